package io.github.mctunnel.client.meta;

import io.github.mctunnel.client.endpoint.ResourcePaths;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.RetryingCaller;
import io.github.mctunnel.client.http.TunnelRequest;
import io.github.mctunnel.client.http.TunnelResponse;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.client.sql.SqlLiterals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Calls of the ODPS meta service (protocol spec 14.6, 17): table info, partition listing, and
 * partition DDL through SQL instances.
 */
public final class MetaClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SQL_POLL_MILLIS = 1000;

    private final RetryingCaller caller;
    private final URI odpsEndpoint;
    private final long sqlTimeoutMillis;

    /**
     * @param sqlTimeoutMillis longest wait for a DDL statement to terminate
     */
    public MetaClient(RetryingCaller caller, URI odpsEndpoint, long sqlTimeoutMillis) {
        this.caller = Objects.requireNonNull(caller, "caller");
        this.odpsEndpoint = Objects.requireNonNull(odpsEndpoint, "odpsEndpoint");
        this.sqlTimeoutMillis = sqlTimeoutMillis;
    }

    /**
     * Reads the table's schema and properties: {@code GET <odps>/projects/p/tables/t?extended}
     * (schema as {@code curr_schema}).
     *
     * @throws TunnelException with status 404 when the table does not exist
     */
    public TableInfo getTable(TableIdentifier table) throws TunnelException {
        ErrorContext context = ErrorContext.of("get table info").withTable(table.toString());
        TunnelRequest request =
                metaRequest("GET", ResourcePaths.metaTable(table), table, context)
                        .param("extended", null)
                        .build();
        String xml = caller.call(request, MetaClient::readText);
        try {
            Element root = MetaXml.parse(xml).getDocumentElement();
            String schemaJson = MetaXml.childText(root, "Schema");
            if (schemaJson == null || schemaJson.isBlank()) {
                throw TunnelException.local(context, "the table XML has no <Schema>");
            }
            return parseSchemaJson(table, JSON.readTree(schemaJson.trim()));
        } catch (TunnelException e) {
            throw e;
        } catch (Exception e) {
            throw TunnelException.local(context, "unreadable table metadata: " + e.getMessage());
        }
    }

    static TableInfo parseSchemaJson(TableIdentifier table, JsonNode json) throws IOException {
        TableSchema schema =
                new TableSchema(columns(json.get("columns")), columns(json.get("partitionKeys")));
        boolean transactional = false;
        List<String> primaryKey = new ArrayList<>();
        String schemaVersion = null;
        JsonNode reserved = json.get("Reserved");
        if (reserved != null && !reserved.isNull()) {
            JsonNode r = reserved.isTextual() ? JSON.readTree(reserved.asText()) : reserved;
            if (r != null && r.isObject()) {
                transactional = "true".equalsIgnoreCase(r.path("Transactional").asText());
                for (JsonNode k : r.path("PrimaryKey")) {
                    primaryKey.add(k.asText());
                }
                JsonNode v = r.get("schema_version");
                schemaVersion = v == null || v.isNull() ? null : v.asText();
            }
        }
        return new TableInfo(table, schema, transactional, primaryKey, schemaVersion);
    }

    private static List<Column> columns(JsonNode array) {
        List<Column> out = new ArrayList<>();
        if (array == null) {
            return out;
        }
        for (JsonNode c : array) {
            JsonNode nullable = c.has("isNullable") ? c.get("isNullable") : c.get("nullable");
            boolean isNullable = nullable == null || !"false".equalsIgnoreCase(nullable.asText());
            JsonNode id = c.get("id");
            out.add(
                    new Column(
                            c.path("name").asText(),
                            TypeInfo.parse(c.path("type").asText()),
                            isNullable,
                            c.path("comment").asText(""),
                            id == null || id.isNull() ? null : id.asText()));
        }
        return out;
    }

    /**
     * Lists the table's partitions: {@code GET ...?partitions&expectmarker=true[&marker=..]}, page
     * by page until the marker is empty.
     */
    public List<PartitionSpec> listPartitions(TableIdentifier table) throws TunnelException {
        ErrorContext context = ErrorContext.of("list partitions").withTable(table.toString());
        List<PartitionSpec> result = new ArrayList<>();
        String marker = null;
        do {
            TunnelRequest.Builder b =
                    metaRequest("GET", ResourcePaths.metaTable(table), table, context)
                            .param("partitions", null)
                            .param("expectmarker", "true");
            if (marker != null) {
                b.param("marker", marker);
            }
            String xml = caller.call(b.build(), MetaClient::readText);
            try {
                Element root = MetaXml.parse(xml).getDocumentElement();
                for (Element p : MetaXml.children(root, "Partition")) {
                    Map<String, String> values = new LinkedHashMap<>();
                    for (Element c : MetaXml.children(p, "Column")) {
                        values.put(c.getAttribute("Name"), c.getAttribute("Value"));
                    }
                    result.add(PartitionSpec.of(values));
                }
                marker = MetaXml.childText(root, "Marker");
            } catch (Exception e) {
                throw TunnelException.local(
                        context, "unreadable partition list: " + e.getMessage());
            }
        } while (marker != null && !marker.isEmpty());
        return result;
    }

    /**
     * The row count the service keeps in a partition's metadata: {@code GET
     * <odps>/projects/p/tables/t?partition=k='v',..} (values quoted, as the SDK's {@code
     * hasPartition} sends them), {@code partitionRecordNum} of the JSON in {@code <Schema>}.
     *
     * @return the row count, or -1 when the metadata has none
     * @throws TunnelException with status 404 (NoSuchPartition) when the partition does not exist
     */
    public long partitionRecordCount(TableIdentifier table, PartitionSpec partition)
            throws TunnelException {
        ErrorContext context =
                ErrorContext.of("get partition info")
                        .withTable(table.toString())
                        .withPartition(partition.toString());
        StringBuilder spec = new StringBuilder();
        for (Map.Entry<String, String> e : partition.values().entrySet()) {
            if (spec.length() > 0) {
                spec.append(',');
            }
            spec.append(e.getKey()).append("='").append(e.getValue()).append('\'');
        }
        TunnelRequest request =
                metaRequest("GET", ResourcePaths.metaTable(table), table, context)
                        .param("partition", spec.toString())
                        .build();
        String xml = caller.call(request, MetaClient::readText);
        try {
            Element root = MetaXml.parse(xml).getDocumentElement();
            String json = MetaXml.childText(root, "Schema");
            if (json == null || json.isBlank()) {
                return -1;
            }
            JsonNode n = JSON.readTree(json.trim()).get("partitionRecordNum");
            return n == null || !n.canConvertToLong() ? -1 : Math.max(-1, n.asLong());
        } catch (Exception e) {
            throw TunnelException.local(
                    context, "unreadable partition metadata: " + e.getMessage());
        }
    }

    /**
     * Lists the names of the project's tables (of {@code schema} when not null): {@code GET
     * <odps>/projects/p/tables?expectmarker=true[&marker=..]}, page by page until the marker is
     * empty.
     */
    public List<String> listTables(String project, String schema) throws TunnelException {
        ErrorContext context = ErrorContext.of("list tables");
        List<String> result = new ArrayList<>();
        String marker = null;
        do {
            TunnelRequest.Builder b =
                    TunnelRequest.builder("GET", odpsEndpoint, "/projects/" + project + "/tables")
                            .context(context)
                            .param("expectmarker", "true");
            if (schema != null) {
                b.param("curr_schema", schema);
            }
            if (marker != null) {
                b.param("marker", marker);
            }
            String xml = caller.call(b.build(), MetaClient::readText);
            try {
                Element root = MetaXml.parse(xml).getDocumentElement();
                for (Element t : MetaXml.children(root, "Table")) {
                    result.add(MetaXml.childText(t, "Name"));
                }
                marker = MetaXml.childText(root, "Marker");
            } catch (Exception e) {
                throw TunnelException.local(context, "unreadable table list: " + e.getMessage());
            }
        } while (marker != null && !marker.isEmpty());
        return result;
    }

    /** {@code ALTER TABLE .. ADD [IF NOT EXISTS] PARTITION (..)} through a SQL instance. */
    public void createPartition(TableIdentifier table, PartitionSpec partition, boolean ifNotExists)
            throws TunnelException {
        runSql(
                table.project(),
                "ALTER TABLE "
                        + SqlLiterals.tableName(table)
                        + " ADD "
                        + (ifNotExists ? "IF NOT EXISTS " : "")
                        + "PARTITION ("
                        + SqlLiterals.partitionSpec(partition)
                        + ");",
                ErrorContext.of("create partition")
                        .withTable(table.toString())
                        .withPartition(partition.toString()));
    }

    /** {@code ALTER TABLE .. DROP [IF EXISTS] PARTITION (..)} through a SQL instance. */
    public void dropPartition(TableIdentifier table, PartitionSpec partition, boolean ifExists)
            throws TunnelException {
        runSql(
                table.project(),
                "ALTER TABLE "
                        + SqlLiterals.tableName(table)
                        + " DROP "
                        + (ifExists ? "IF EXISTS " : "")
                        + "PARTITION ("
                        + SqlLiterals.partitionSpec(partition)
                        + ");",
                ErrorContext.of("drop partition")
                        .withTable(table.toString())
                        .withPartition(partition.toString()));
    }

    /**
     * Runs one SQL statement: {@code POST /projects/p/instances} (XML job), then polls the instance
     * until {@code Terminated} and checks the task status; a failed task's result text becomes the
     * error message.
     */
    public void runSql(String project, String sql, ErrorContext context) throws TunnelException {
        String job =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Instance><Job><Priority>9</Priority>"
                        + "<Tasks><SQL><Name>AnonymousSQLTask</Name><Config><Property>"
                        + "<Name>uuid</Name><Value>"
                        + java.util.UUID.randomUUID()
                        + "</Value></Property></Config><Query>"
                        + MetaXml.escape(sql)
                        + "</Query></SQL></Tasks></Job></Instance>";
        byte[] body = job.getBytes(StandardCharsets.UTF_8);
        // one back-off gate for all SQL instances of the project (not one per instance path)
        String instancesKey = odpsEndpoint + "|" + project + "|instances";
        TunnelRequest create =
                TunnelRequest.builder("POST", odpsEndpoint, ResourcePaths.instances(project))
                        .header("Content-Type", "application/xml")
                        .body(
                                io.github.mctunnel.client.http.RequestBody.bytes(
                                        body, 0, body.length))
                        .context(context)
                        .backoffKey(instancesKey)
                        .build();
        String location = caller.call(create, r -> r.header("Location"));
        if (location == null || location.isBlank()) {
            throw TunnelException.local(
                    context, "the service did not return the SQL instance (no Location)");
        }
        String instanceId = location.substring(location.lastIndexOf('/') + 1);
        String path = ResourcePaths.instances(project) + "/" + instanceId;
        long start = caller.clock().millis();
        while (true) {
            TunnelRequest poll =
                    TunnelRequest.builder("GET", odpsEndpoint, path)
                            .context(context)
                            .backoffKey(instancesKey)
                            .build();
            String status = instanceStatusOf(caller.call(poll, MetaClient::readText), context);
            if ("Terminated".equalsIgnoreCase(status)) {
                break;
            }
            if (caller.clock().millis() - start > sqlTimeoutMillis) {
                throw TunnelException.local(
                        context,
                        "SQL instance "
                                + instanceId
                                + " did not finish within "
                                + sqlTimeoutMillis
                                + " ms");
            }
            try {
                caller.sleeper().sleep(SQL_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw TunnelException.io(context, new InterruptedIOException("interrupted"));
            }
        }
        TunnelRequest taskStatus =
                TunnelRequest.builder("GET", odpsEndpoint, path)
                        .param("taskstatus", null)
                        .context(context)
                        .backoffKey(instancesKey)
                        .build();
        String xml = caller.call(taskStatus, MetaClient::readText);
        String task = taskStatusOf(xml, context);
        if (!"Success".equalsIgnoreCase(task)) {
            TunnelRequest result =
                    TunnelRequest.builder("GET", odpsEndpoint, path)
                            .param("result", null)
                            .context(context)
                            .backoffKey(instancesKey)
                            .build();
            String text = caller.call(result, MetaClient::readText);
            throw TunnelException.local(
                    context,
                    "SQL instance " + instanceId + " ended with " + task + ": " + resultText(text));
        }
    }

    /** The instance's own status: the {@code <Status>} child of the root element. */
    private static String instanceStatusOf(String xml, ErrorContext context)
            throws TunnelException {
        return statusChild(parseStatusXml(xml, context).getDocumentElement());
    }

    /**
     * The SQL task's status: the {@code <Status>} of the first {@code <Task>}. A {@code
     * ?taskstatus} answer also carries the instance's {@code <Status>Terminated</Status>} before
     * its tasks, which is not the task's outcome.
     */
    private static String taskStatusOf(String xml, ErrorContext context) throws TunnelException {
        NodeList tasks = parseStatusXml(xml, context).getElementsByTagName("Task");
        return tasks.getLength() == 0 ? "" : statusChild((Element) tasks.item(0));
    }

    private static Document parseStatusXml(String xml, ErrorContext context)
            throws TunnelException {
        try {
            return MetaXml.parse(xml);
        } catch (Exception e) {
            throw TunnelException.local(
                    context, "unreadable SQL instance status: " + e.getMessage());
        }
    }

    private static String statusChild(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Status".equals(e.getTagName())) {
                return e.getTextContent().trim();
            }
        }
        return "";
    }

    private static String resultText(String xml) {
        try {
            var nodes = MetaXml.parse(xml).getElementsByTagName("Result");
            return nodes.getLength() == 0 ? xml : nodes.item(0).getTextContent().trim();
        } catch (Exception e) {
            return xml;
        }
    }

    private TunnelRequest.Builder metaRequest(
            String method, String path, TableIdentifier table, ErrorContext context) {
        TunnelRequest.Builder b =
                TunnelRequest.builder(method, odpsEndpoint, path)
                        .context(context)
                        .backoffKey(odpsEndpoint + "|" + table);
        if (table.schema() != null) {
            b.param("curr_schema", table.schema());
        }
        return b;
    }

    private static String readText(TunnelResponse response) throws IOException {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
