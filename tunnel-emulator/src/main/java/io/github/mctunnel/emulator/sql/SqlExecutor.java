package io.github.mctunnel.emulator.sql;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.server.ServiceException;

import java.util.List;

/** Runs parsed statements against the catalog. */
public final class SqlExecutor {

    private final Catalog catalog;

    public SqlExecutor(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Parses and runs a script; statements before a failing one stay applied (as on the service).
     *
     * @return the result text ({@code OK})
     * @throws SqlException with the reason the statement failed
     */
    public String execute(String sql, String defaultProject) {
        List<SqlStatement> statements = SqlParser.parse(sql, defaultProject);
        for (SqlStatement s : statements) {
            try {
                run(s);
            } catch (ServiceException e) {
                throw new SqlException(e.code() + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new SqlException(e.getMessage());
            }
        }
        return "OK";
    }

    private void run(SqlStatement s) {
        if (s instanceof SqlStatement.CreateTable c) {
            catalog.createTable(c.definition(), c.ifNotExists());
        } else if (s instanceof SqlStatement.DropTable d) {
            catalog.dropTable(d.table(), d.ifExists());
        } else if (s instanceof SqlStatement.AddPartitions a) {
            TableState t = catalog.table(a.table());
            for (PartitionSpec p : a.partitions()) {
                if (t.hasPartition(p) && !a.ifNotExists()) {
                    throw new SqlException(
                            "Partition "
                                    + p.toQuotedString()
                                    + " of table "
                                    + t.id()
                                    + " already exists.");
                }
            }
            for (PartitionSpec p : a.partitions()) {
                t.createPartitionIfAbsent(p);
            }
        } else if (s instanceof SqlStatement.DropPartitions d) {
            TableState t = catalog.table(d.table());
            for (PartitionSpec p : d.partitions()) {
                if (!t.hasPartition(p) && !d.ifExists()) {
                    throw new SqlException(
                            "Partition "
                                    + p.toQuotedString()
                                    + " of table "
                                    + t.id()
                                    + " does not exist.");
                }
            }
            for (PartitionSpec p : d.partitions()) {
                t.dropPartition(p);
            }
        } else if (s instanceof SqlStatement.Truncate tr) {
            TableState t = catalog.table(tr.table());
            if (tr.partitions().isEmpty()) {
                t.truncate(null);
            } else {
                for (PartitionSpec p : tr.partitions()) {
                    t.truncate(p);
                }
            }
        } else if (s instanceof SqlStatement.Set) {
            // Session settings have no effect on the emulator.
        } else {
            throw new SqlException("Unsupported statement " + s);
        }
    }
}
