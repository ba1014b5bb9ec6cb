package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.server.ServiceException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The emulator's projects and tables. Thread-safe. Without a data directory everything lives in
 * memory; with one every change is written to an fsync'd append-only log before it becomes visible,
 * and {@link #open} replays that log, so nothing committed is lost, even by {@code kill -9}.
 */
public final class Catalog implements AutoCloseable {

    private final Object mutex = new Object();
    private final CatalogLog log;
    private final Clock clock;
    private final Map<String, String> projects = new ConcurrentHashMap<>();
    private final Map<String, TableState> tables = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final List<Consumer<TableState>> dropListeners = new CopyOnWriteArrayList<>();

    private Catalog(CatalogLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** A catalog in memory with the given projects. */
    public static Catalog inMemory(Collection<String> projects, Clock clock) {
        Catalog c = new Catalog(null, clock);
        for (String p : projects) {
            c.createProject(p);
        }
        return c;
    }

    /**
     * Opens the catalog persisted under {@code dataDir} (created when missing), replaying its log,
     * and adds the given projects if they are new.
     *
     * @throws IOException if the directory cannot be used or another emulator holds it
     */
    public static Catalog open(Path dataDir, Collection<String> projects, Clock clock)
            throws IOException {
        CatalogLog log = CatalogLog.open(dataDir);
        Catalog c = new Catalog(log, clock);
        try {
            log.replay(c::apply);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        for (String p : projects) {
            c.createProject(p);
        }
        return c;
    }

    Clock clock() {
        return clock;
    }

    /** Whether changes survive a restart. */
    public boolean isPersistent() {
        return log != null;
    }

    /** Adds a project (no-op when it exists). */
    public void createProject(String project) {
        if (project == null || project.isBlank()) {
            throw new IllegalArgumentException("project name must not be blank");
        }
        synchronized (mutex) {
            if (!projects.containsKey(project.toLowerCase(Locale.ROOT))) {
                mutate(new CatalogEvent.ProjectCreated(clock.millis(), project));
            }
        }
    }

    public boolean hasProject(String project) {
        return project != null && projects.containsKey(project.toLowerCase(Locale.ROOT));
    }

    /** Project names as created, sorted. */
    public List<String> projects() {
        List<String> names = new ArrayList<>(projects.values());
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /**
     * @throws ServiceException 404 NoSuchProject
     */
    public void requireProject(String project) {
        if (!hasProject(project)) {
            throw new ServiceException(
                    404,
                    "NoSuchProject",
                    "The specified project '" + project + "' does not exist.");
        }
    }

    /**
     * @throws ServiceException 404 NoSuchProject / NoSuchTable
     */
    public TableState table(String project, String schemaOrNull, String table) {
        return findTable(project, schemaOrNull, table)
                .orElseThrow(
                        () ->
                                new ServiceException(
                                        404,
                                        "NoSuchTable",
                                        "The specified table '"
                                                + new TableIdentifier(project, schemaOrNull, table)
                                                + "' does not exist."));
    }

    public TableState table(TableIdentifier id) {
        return table(id.project(), id.schema(), id.table());
    }

    /**
     * @throws ServiceException 404 NoSuchProject
     */
    public Optional<TableState> findTable(String project, String schemaOrNull, String table) {
        requireProject(project);
        return Optional.ofNullable(tables.get(TableDefinition.key(project, schemaOrNull, table)));
    }

    /** Tables of a project (any schema), sorted by name. */
    public List<TableState> tables(String project) {
        requireProject(project);
        List<TableState> out = new ArrayList<>();
        for (TableState t : tables.values()) {
            if (t.id().project().equalsIgnoreCase(project)) {
                out.add(t);
            }
        }
        out.sort(Comparator.comparing(t -> t.id().table()));
        return out;
    }

    /**
     * Creates a table.
     *
     * @return the new table, or the existing one when {@code ifNotExists} and it exists
     * @throws ServiceException 404 NoSuchProject, 409 TableAlreadyExists
     */
    public TableState createTable(TableDefinition definition, boolean ifNotExists) {
        TableIdentifier id = definition.id();
        synchronized (mutex) {
            requireProject(id.project());
            TableState existing =
                    tables.get(TableDefinition.key(id.project(), id.schema(), id.table()));
            if (existing != null) {
                if (ifNotExists) {
                    return existing;
                }
                throw new ServiceException(
                        409, "TableAlreadyExists", "Table " + id + " already exists.");
            }
            mutate(CatalogEvent.TableCreated.of(clock.millis(), definition));
            return tables.get(TableDefinition.key(id.project(), id.schema(), id.table()));
        }
    }

    /**
     * Drops a table with its data.
     *
     * @return whether a table was dropped
     * @throws ServiceException 404 NoSuchTable unless {@code ifExists}
     */
    public boolean dropTable(TableIdentifier id, boolean ifExists) {
        synchronized (mutex) {
            Optional<TableState> t = findTable(id.project(), id.schema(), id.table());
            if (t.isEmpty()) {
                if (ifExists) {
                    return false;
                }
                table(id);
            }
            mutate(new CatalogEvent.TableDropped(clock.millis(), t.get().key()));
            return true;
        }
    }

    /**
     * Registers a callback run (under the catalog's lock) right after a table is dropped, so that
     * holders of its data, such as tunnel sessions, can let go of it.
     */
    public void onTableDropped(Consumer<TableState> listener) {
        dropListeners.add(listener);
    }

    /** Writes the event (when persistent) and applies it; callers validate first. */
    void mutate(CatalogEvent event) {
        synchronized (mutex) {
            if (log != null) {
                log.append(event);
            }
            apply(event);
        }
    }

    Object mutex() {
        return mutex;
    }

    long nextVersion() {
        return versions.incrementAndGet();
    }

    private void apply(CatalogEvent event) {
        if (event instanceof CatalogEvent.ProjectCreated e) {
            projects.putIfAbsent(e.project().toLowerCase(Locale.ROOT), e.project());
        } else if (event instanceof CatalogEvent.TableCreated e) {
            TableDefinition d = e.definition();
            projects.putIfAbsent(d.id().project().toLowerCase(Locale.ROOT), d.id().project());
            TableState t = new TableState(this, d, e.atMillis());
            tables.put(t.key(), t);
        } else if (event instanceof CatalogEvent.TableDropped e) {
            TableState t = tables.remove(e.tableKey());
            if (t != null) {
                t.markDropped();
                for (Consumer<TableState> listener : dropListeners) {
                    listener.accept(t);
                }
            }
        } else if (event instanceof CatalogEvent.PartitionCreated e) {
            tableFor(e.tableKey()).applyPartitionCreated(e.spec(), e.atMillis());
        } else if (event instanceof CatalogEvent.PartitionDropped e) {
            tableFor(e.tableKey()).applyPartitionDropped(e.spec(), e.atMillis());
        } else if (event instanceof CatalogEvent.RowsCommitted e) {
            tableFor(e.tableKey()).applyRowsCommitted(e);
        } else if (event instanceof CatalogEvent.UpsertsApplied e) {
            tableFor(e.tableKey()).applyUpserts(e);
        } else if (event instanceof CatalogEvent.Truncated e) {
            tableFor(e.tableKey()).applyTruncated(e.spec(), e.atMillis());
        } else {
            throw new IllegalStateException("unknown catalog event " + event);
        }
    }

    private TableState tableFor(String key) {
        TableState t = tables.get(key);
        if (t == null) {
            throw new IllegalStateException("catalog log refers to missing table " + key);
        }
        return t;
    }

    @Override
    public void close() throws IOException {
        synchronized (mutex) {
            if (log != null) {
                log.close();
            }
        }
    }
}
