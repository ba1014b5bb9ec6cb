package io.github.mctunnel.flink.table.catalog;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.meta.TableInfo;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;
import io.github.mctunnel.flink.table.MaxComputeConnectorOptions;
import io.github.mctunnel.flink.table.MaxComputeDynamicTableFactory;

import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.AbstractCatalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogDatabaseImpl;
import org.apache.flink.table.catalog.CatalogFunction;
import org.apache.flink.table.catalog.CatalogPartition;
import org.apache.flink.table.catalog.CatalogPartitionImpl;
import org.apache.flink.table.catalog.CatalogPartitionSpec;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.FunctionNotExistException;
import org.apache.flink.table.catalog.exceptions.PartitionAlreadyExistsException;
import org.apache.flink.table.catalog.exceptions.PartitionNotExistException;
import org.apache.flink.table.catalog.exceptions.PartitionSpecInvalidException;
import org.apache.flink.table.catalog.exceptions.TableAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.table.catalog.exceptions.TableNotPartitionedException;
import org.apache.flink.table.catalog.stats.CatalogColumnStatistics;
import org.apache.flink.table.catalog.stats.CatalogTableStatistics;
import org.apache.flink.table.expressions.Expression;
import org.apache.flink.table.factories.Factory;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.utils.TypeConversions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Flink catalog over MaxCompute: databases are projects, tables are read from the meta service
 * with their columns mapped by {@link TunnelTypeMapping}, partition keys (as the last columns) and
 * the primary key of Delta tables, and carry the {@code maxcompute} connector options, so {@code
 * SELECT * FROM mc.project.table} needs no DDL. Secrets (AccessKey secret, STS token) are not among
 * a table's options, which Flink prints (e.g. {@code SHOW CREATE TABLE}): the catalog's table
 * factory ({@link #getFactory()}) adds them when Flink creates the table's source or sink. Tables
 * and partitions are created and dropped through SQL instances. Views, functions, statistics and
 * ALTER TABLE are not supported.
 */
public final class MaxComputeCatalog extends AbstractCatalog {

    private final TunnelConnectionOptions connection;
    private final List<String> projects;

    /** The connection options (without project and secrets) every table of the catalog gets. */
    private final Map<String, String> tableConnectionOptions;

    /**
     * The secret connection options (AccessKey secret, STS token, any key Flink would mask): never
     * table options, added by the catalog's table factory ({@link #getFactory()}).
     */
    private final Map<String, String> secretOptions;

    private TunnelClient client;

    public MaxComputeCatalog(
            String name, TunnelConnectionOptions connection, List<String> projects) {
        this(name, connection, projects, optionsOf(connection));
    }

    /**
     * @param tableConnectionOptions the connector options (endpoints, credentials, retries,
     *     timeouts, quota; not the project) every table of the catalog gets
     */
    public MaxComputeCatalog(
            String name,
            TunnelConnectionOptions connection,
            List<String> projects,
            Map<String, String> tableConnectionOptions) {
        super(name, projects.get(0));
        this.connection = connection;
        this.projects = List.copyOf(projects);
        this.tableConnectionOptions = new LinkedHashMap<>();
        this.secretOptions = new LinkedHashMap<>();
        tableConnectionOptions.forEach(
                (k, v) -> (isSecret(k) ? secretOptions : this.tableConnectionOptions).put(k, v));
    }

    /**
     * Whether an option holds a secret: the AccessKey secret (also under its fallback key), the STS
     * token, and every key Flink masks ({@link GlobalConfiguration#isSensitive}).
     */
    static boolean isSecret(String key) {
        if (key.equals(MaxComputeConnectorOptions.ACCESS_KEY_SECRET.key())
                || key.equals(MaxComputeConnectorOptions.STS_TOKEN.key())
                || GlobalConfiguration.isSensitive(key)) {
            return true;
        }
        for (FallbackKey k :
                MaxComputeConnectorOptions.ACCESS_KEY_SECRET_OR_FALLBACK_KEY.fallbackKeys()) {
            if (k.getKey().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The table options of an AccessKey connection (endpoints, AccessKey, token, quota). */
    private static Map<String, String> optionsOf(TunnelConnectionOptions connection) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(MaxComputeConnectorOptions.ENDPOINT.key(), connection.endpoint());
        if (connection.tunnelEndpoint() != null) {
            options.put(
                    MaxComputeConnectorOptions.TUNNEL_ENDPOINT.key(), connection.tunnelEndpoint());
        }
        if (connection.accessId() != null) {
            options.put(MaxComputeConnectorOptions.ACCESS_ID.key(), connection.accessId());
            options.put(
                    MaxComputeConnectorOptions.ACCESS_KEY_SECRET.key(),
                    connection.accessKeySecret());
        }
        if (connection.securityToken() != null) {
            options.put(MaxComputeConnectorOptions.STS_TOKEN.key(), connection.securityToken());
        }
        if (connection.quotaName() != null) {
            options.put(MaxComputeConnectorOptions.QUOTA_NAME.key(), connection.quotaName());
        }
        return options;
    }

    @Override
    public Optional<Factory> getFactory() {
        return Optional.of(new MaxComputeCatalogTableFactory(secretOptions));
    }

    @Override
    public void open() {
        if (client == null) {
            client = connection.clientBuilder().build();
        }
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                throw new CatalogException(
                        "MaxCompute catalog " + getName() + " could not close its client", e);
            } finally {
                client = null;
            }
        }
    }

    private TunnelClient client() {
        open();
        return client;
    }

    // ------------------------------------------------------------------ databases

    @Override
    public List<String> listDatabases() {
        return projects;
    }

    @Override
    public CatalogDatabase getDatabase(String databaseName) throws DatabaseNotExistException {
        checkDatabase(databaseName);
        return new CatalogDatabaseImpl(Map.of(), "MaxCompute project " + databaseName);
    }

    @Override
    public boolean databaseExists(String databaseName) {
        return projects.contains(databaseName);
    }

    @Override
    public void createDatabase(String name, CatalogDatabase database, boolean ignoreIfExists) {
        throw unsupported("CREATE DATABASE (MaxCompute projects are created in the console)");
    }

    @Override
    public void dropDatabase(String name, boolean ignoreIfNotExists, boolean cascade) {
        throw unsupported("DROP DATABASE");
    }

    @Override
    public void alterDatabase(String name, CatalogDatabase newDatabase, boolean ignoreIfNotExists) {
        throw unsupported("ALTER DATABASE");
    }

    private void checkDatabase(String databaseName) throws DatabaseNotExistException {
        if (!databaseExists(databaseName)) {
            throw new DatabaseNotExistException(getName(), databaseName);
        }
    }

    // ------------------------------------------------------------------ tables

    @Override
    public List<String> listTables(String databaseName) throws DatabaseNotExistException {
        checkDatabase(databaseName);
        try {
            return client().meta().listTables(databaseName, null);
        } catch (IOException e) {
            throw failed("list the tables of project " + databaseName, e);
        }
    }

    @Override
    public List<String> listViews(String databaseName) throws DatabaseNotExistException {
        checkDatabase(databaseName);
        return List.of();
    }

    @Override
    public CatalogBaseTable getTable(ObjectPath tablePath) throws TableNotExistException {
        TableInfo info = tableInfo(tablePath);
        Schema.Builder schema = Schema.newBuilder();
        List<String> primaryKey = info.isDeltaTable() ? info.primaryKey() : List.of();
        List<io.github.mctunnel.client.schema.Column> all = new ArrayList<>();
        all.addAll(info.schema().columns());
        all.addAll(info.schema().partitionKeys());
        for (io.github.mctunnel.client.schema.Column c : all) {
            LogicalType type;
            try {
                type =
                        TunnelTypeMapping.toFlinkType(
                                c.type(), c.nullable() && !primaryKey.contains(c.name()));
            } catch (IllegalArgumentException e) {
                throw new CatalogException(
                        "Table "
                                + tablePath.getFullName()
                                + ", column "
                                + c.name()
                                + ": "
                                + e.getMessage(),
                        e);
            }
            schema.column(c.name(), TypeConversions.fromLogicalToDataType(type));
            if (c.comment() != null && !c.comment().isEmpty()) {
                schema.withComment(c.comment());
            }
        }
        if (!primaryKey.isEmpty()) {
            schema.primaryKey(primaryKey);
        }
        List<String> partitionKeys = new ArrayList<>();
        for (io.github.mctunnel.client.schema.Column k : info.schema().partitionKeys()) {
            partitionKeys.add(k.name());
        }
        return CatalogTable.newBuilder()
                .schema(schema.build())
                .partitionKeys(partitionKeys)
                .options(tableOptions(tablePath))
                .build();
    }

    /** The connector options of a table of this catalog. */
    Map<String, String> tableOptions(ObjectPath tablePath) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", MaxComputeDynamicTableFactory.IDENTIFIER);
        options.putAll(tableConnectionOptions);
        options.put(MaxComputeConnectorOptions.PROJECT.key(), tablePath.getDatabaseName());
        options.put(MaxComputeConnectorOptions.TABLE.key(), tablePath.getObjectName());
        return options;
    }

    private TableInfo tableInfo(ObjectPath tablePath) throws TableNotExistException {
        if (!databaseExists(tablePath.getDatabaseName())) {
            throw new TableNotExistException(getName(), tablePath);
        }
        try {
            return client().meta().getTable(id(tablePath));
        } catch (TunnelException e) {
            if (e.httpStatus() == 404) {
                throw new TableNotExistException(getName(), tablePath, e);
            }
            throw failed("read table " + tablePath.getFullName(), e);
        }
    }

    @Override
    public boolean tableExists(ObjectPath tablePath) {
        try {
            tableInfo(tablePath);
            return true;
        } catch (TableNotExistException e) {
            return false;
        }
    }

    @Override
    public void dropTable(ObjectPath tablePath, boolean ignoreIfNotExists)
            throws TableNotExistException {
        if (!tableExists(tablePath)) {
            if (ignoreIfNotExists) {
                return;
            }
            throw new TableNotExistException(getName(), tablePath);
        }
        runSql(
                tablePath,
                MaxComputeTableDdl.dropTable(
                        tablePath.getDatabaseName(), tablePath.getObjectName(), true),
                "drop table");
    }

    @Override
    public void createTable(ObjectPath tablePath, CatalogBaseTable table, boolean ignoreIfExists)
            throws TableAlreadyExistException, DatabaseNotExistException {
        checkDatabase(tablePath.getDatabaseName());
        if (!(table instanceof ResolvedCatalogTable resolved)) {
            throw unsupported("CREATE VIEW");
        }
        if (tableExists(tablePath)) {
            if (ignoreIfExists) {
                return;
            }
            throw new TableAlreadyExistException(getName(), tablePath);
        }
        String connector = resolved.getOptions().get("connector");
        if (connector != null && !MaxComputeDynamicTableFactory.IDENTIFIER.equals(connector)) {
            throw new CatalogException(
                    "MaxCompute catalog "
                            + getName()
                            + " creates MaxCompute tables only; table "
                            + tablePath.getFullName()
                            + " has 'connector' = '"
                            + connector
                            + "' (create it in another catalog)");
        }
        String sql;
        try {
            sql =
                    MaxComputeTableDdl.createTable(
                            tablePath.getDatabaseName(),
                            tablePath.getObjectName(),
                            resolved.getResolvedSchema(),
                            resolved.getPartitionKeys(),
                            resolved.getComment(),
                            ignoreIfExists);
        } catch (IllegalArgumentException e) {
            throw new CatalogException(
                    "Cannot create MaxCompute table "
                            + tablePath.getFullName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        runSql(tablePath, sql, "create table");
    }

    @Override
    public void renameTable(ObjectPath tablePath, String newTableName, boolean ignoreIfNotExists) {
        throw unsupported("ALTER TABLE .. RENAME");
    }

    @Override
    public void alterTable(
            ObjectPath tablePath, CatalogBaseTable newTable, boolean ignoreIfNotExists) {
        throw unsupported("ALTER TABLE");
    }

    // ------------------------------------------------------------------ partitions

    @Override
    public List<CatalogPartitionSpec> listPartitions(ObjectPath tablePath)
            throws TableNotExistException, TableNotPartitionedException {
        return listPartitions(tablePath, null);
    }

    @Override
    public List<CatalogPartitionSpec> listPartitions(
            ObjectPath tablePath, CatalogPartitionSpec partialSpec)
            throws TableNotExistException, TableNotPartitionedException {
        TableInfo info = tableInfo(tablePath);
        if (info.schema().partitionKeys().isEmpty()) {
            throw new TableNotPartitionedException(getName(), tablePath);
        }
        List<PartitionSpec> listed;
        try {
            listed = client().meta().listPartitions(id(tablePath));
        } catch (IOException e) {
            throw failed("list the partitions of " + tablePath.getFullName(), e);
        }
        List<CatalogPartitionSpec> out = new ArrayList<>();
        for (PartitionSpec p : listed) {
            if (partialSpec == null
                    || p.values()
                            .entrySet()
                            .containsAll(partialSpec.getPartitionSpec().entrySet())) {
                out.add(new CatalogPartitionSpec(new LinkedHashMap<>(p.values())));
            }
        }
        return out;
    }

    @Override
    public List<CatalogPartitionSpec> listPartitionsByFilter(
            ObjectPath tablePath, List<Expression> filters) {
        throw unsupported("listing partitions by filter");
    }

    @Override
    public CatalogPartition getPartition(ObjectPath tablePath, CatalogPartitionSpec partitionSpec)
            throws PartitionNotExistException {
        if (!partitionExists(tablePath, partitionSpec)) {
            throw new PartitionNotExistException(getName(), tablePath, partitionSpec);
        }
        return new CatalogPartitionImpl(new HashMap<>(), null);
    }

    @Override
    public boolean partitionExists(ObjectPath tablePath, CatalogPartitionSpec partitionSpec) {
        try {
            for (CatalogPartitionSpec p : listPartitions(tablePath)) {
                if (p.getPartitionSpec().equals(partitionSpec.getPartitionSpec())) {
                    return true;
                }
            }
            return false;
        } catch (TableNotExistException | TableNotPartitionedException e) {
            return false;
        }
    }

    @Override
    public void createPartition(
            ObjectPath tablePath,
            CatalogPartitionSpec partitionSpec,
            CatalogPartition partition,
            boolean ignoreIfExists)
            throws TableNotExistException,
                    TableNotPartitionedException,
                    PartitionSpecInvalidException,
                    PartitionAlreadyExistsException {
        PartitionSpec spec = fullSpec(tablePath, partitionSpec);
        if (partitionExists(tablePath, partitionSpec)) {
            if (ignoreIfExists) {
                return;
            }
            throw new PartitionAlreadyExistsException(getName(), tablePath, partitionSpec);
        }
        try {
            client().meta().createPartition(id(tablePath), spec, true);
        } catch (IOException e) {
            throw failed("create partition " + spec + " of " + tablePath.getFullName(), e);
        }
    }

    @Override
    public void dropPartition(
            ObjectPath tablePath, CatalogPartitionSpec partitionSpec, boolean ignoreIfNotExists)
            throws PartitionNotExistException {
        if (!partitionExists(tablePath, partitionSpec)) {
            if (ignoreIfNotExists) {
                return;
            }
            throw new PartitionNotExistException(getName(), tablePath, partitionSpec);
        }
        PartitionSpec spec = PartitionSpec.of(partitionSpec.getPartitionSpec());
        try {
            client().meta().dropPartition(id(tablePath), spec, true);
        } catch (IOException e) {
            throw failed("drop partition " + spec + " of " + tablePath.getFullName(), e);
        }
    }

    /** The partition spec in the table's key order; every key must be given. */
    private PartitionSpec fullSpec(ObjectPath tablePath, CatalogPartitionSpec partitionSpec)
            throws TableNotExistException,
                    TableNotPartitionedException,
                    PartitionSpecInvalidException {
        TableInfo info = tableInfo(tablePath);
        List<String> keys = new ArrayList<>();
        for (io.github.mctunnel.client.schema.Column k : info.schema().partitionKeys()) {
            keys.add(k.name());
        }
        if (keys.isEmpty()) {
            throw new TableNotPartitionedException(getName(), tablePath);
        }
        Map<String, String> given = partitionSpec.getPartitionSpec();
        if (!given.keySet().equals(new java.util.HashSet<>(keys))) {
            throw new PartitionSpecInvalidException(getName(), keys, tablePath, partitionSpec);
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String k : keys) {
            ordered.put(k, given.get(k));
        }
        return PartitionSpec.of(ordered);
    }

    @Override
    public void alterPartition(
            ObjectPath tablePath,
            CatalogPartitionSpec partitionSpec,
            CatalogPartition newPartition,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER PARTITION");
    }

    // ------------------------------------------------------------------ functions, statistics

    @Override
    public List<String> listFunctions(String dbName) throws DatabaseNotExistException {
        checkDatabase(dbName);
        return List.of();
    }

    @Override
    public CatalogFunction getFunction(ObjectPath functionPath) throws FunctionNotExistException {
        throw new FunctionNotExistException(getName(), functionPath);
    }

    @Override
    public boolean functionExists(ObjectPath functionPath) {
        return false;
    }

    @Override
    public void createFunction(
            ObjectPath functionPath, CatalogFunction function, boolean ignoreIfExists) {
        throw unsupported("CREATE FUNCTION");
    }

    @Override
    public void alterFunction(
            ObjectPath functionPath, CatalogFunction newFunction, boolean ignoreIfNotExists) {
        throw unsupported("ALTER FUNCTION");
    }

    @Override
    public void dropFunction(ObjectPath functionPath, boolean ignoreIfNotExists) {
        throw unsupported("DROP FUNCTION");
    }

    @Override
    public CatalogTableStatistics getTableStatistics(ObjectPath tablePath) {
        return CatalogTableStatistics.UNKNOWN;
    }

    @Override
    public CatalogColumnStatistics getTableColumnStatistics(ObjectPath tablePath) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public CatalogTableStatistics getPartitionStatistics(
            ObjectPath tablePath, CatalogPartitionSpec partitionSpec) {
        return CatalogTableStatistics.UNKNOWN;
    }

    @Override
    public CatalogColumnStatistics getPartitionColumnStatistics(
            ObjectPath tablePath, CatalogPartitionSpec partitionSpec) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public void alterTableStatistics(
            ObjectPath tablePath, CatalogTableStatistics tableStatistics, boolean ignore) {
        throw unsupported("altering statistics");
    }

    @Override
    public void alterTableColumnStatistics(
            ObjectPath tablePath, CatalogColumnStatistics columnStatistics, boolean ignore) {
        throw unsupported("altering statistics");
    }

    @Override
    public void alterPartitionStatistics(
            ObjectPath tablePath,
            CatalogPartitionSpec partitionSpec,
            CatalogTableStatistics partitionStatistics,
            boolean ignore) {
        throw unsupported("altering statistics");
    }

    @Override
    public void alterPartitionColumnStatistics(
            ObjectPath tablePath,
            CatalogPartitionSpec partitionSpec,
            CatalogColumnStatistics columnStatistics,
            boolean ignore) {
        throw unsupported("altering statistics");
    }

    // ------------------------------------------------------------------ helpers

    private static TableIdentifier id(ObjectPath path) {
        return new TableIdentifier(path.getDatabaseName(), null, path.getObjectName());
    }

    private void runSql(ObjectPath tablePath, String sql, String operation) {
        try {
            client().meta()
                    .runSql(
                            tablePath.getDatabaseName(),
                            sql,
                            ErrorContext.of(operation).withTable(id(tablePath).toString()));
        } catch (IOException e) {
            throw failed(operation + " " + tablePath.getFullName(), e);
        }
    }

    private CatalogException failed(String what, IOException e) {
        return new CatalogException(
                "MaxCompute catalog " + getName() + " could not " + what + ": " + e.getMessage(),
                e);
    }

    private CatalogException unsupported(String what) {
        return new CatalogException(
                "MaxCompute catalog " + getName() + " does not support " + what);
    }
}
