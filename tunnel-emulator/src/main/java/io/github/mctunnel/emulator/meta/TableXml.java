package io.github.mctunnel.emulator.meta;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.TableState;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

import static io.github.mctunnel.emulator.server.Xml.cdata;
import static io.github.mctunnel.emulator.server.Xml.escape;

/** Table, table-list and partition bodies of the meta API (spec 14.6, 17.2). */
final class TableXml {

    static final String OWNER = "ALIYUN$emulator@tunnel-emulator";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TableXml() {}

    /** The {@code <Table>} element (without the XML declaration). */
    static String table(TableState t) {
        return "<Table><Name>"
                + escape(t.id().table())
                + "</Name><TableId>"
                + tableId(t)
                + "</TableId><Schema format=\"json\">"
                + cdata(schemaJson(t))
                + "</Schema><Comment>"
                + escape(t.definition().comment())
                + "</Comment><Owner>"
                + escape(OWNER)
                + "</Owner><Project>"
                + escape(t.id().project())
                + "</Project>"
                + (t.id().schema() == null
                        ? ""
                        : "<SchemaName>" + escape(t.id().schema()) + "</SchemaName>")
                + "<CreationTime>"
                + Rfc822.format(t.createdMillis())
                + "</CreationTime><LastModifiedTime>"
                + Rfc822.format(t.lastModifiedMillis())
                + "</LastModifiedTime><Type>MANAGED_TABLE</Type></Table>";
    }

    static String tableId(TableState t) {
        return String.format("%016x%08x", t.createdMillis(), t.id().toString().hashCode());
    }

    static String schemaJson(TableState t) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tableName", t.id().table());
        root.set("columns", columns(t.schema().columns()));
        root.set("partitionKeys", columns(t.schema().partitionKeys()));
        root.put("comment", t.definition().comment());
        root.put("owner", OWNER);
        root.put("createTime", t.createdMillis() / 1000);
        root.put("lastModifiedTime", t.lastModifiedMillis() / 1000);
        root.put("lastDDLTime", t.createdMillis() / 1000);
        root.put("isVirtualView", false);
        root.put("lifecycle", t.definition().lifecycleDays());
        long size = 0;
        for (PartitionSpec p : t.partitions()) {
            size += t.rowCount(p);
        }
        root.put("recordNum", size);
        ObjectNode reserved = JSON.createObjectNode();
        reserved.put("Transactional", Boolean.toString(t.transactional()));
        if (!t.primaryKey().isEmpty()) {
            ArrayNode pk = reserved.putArray("PrimaryKey");
            t.primaryKey().forEach(pk::add);
        }
        reserved.put("schema_version", "0");
        for (Map.Entry<String, String> e : t.definition().properties().entrySet()) {
            if (!reserved.has(e.getKey())) {
                reserved.put(e.getKey(), e.getValue());
            }
        }
        root.put("Reserved", reserved.toString());
        return root.toString();
    }

    private static ArrayNode columns(List<Column> columns) {
        ArrayNode array = JSON.createArrayNode();
        for (Column c : columns) {
            ObjectNode n = array.addObject();
            n.put("name", c.name());
            n.put("type", c.type().toString());
            n.put("comment", c.comment());
            n.put("isNullable", c.nullable());
        }
        return array;
    }

    /** A {@code <Partition>} entry of a partition listing. */
    static String partitionEntry(TableState t, PartitionSpec p) {
        StringBuilder sb = new StringBuilder("<Partition>");
        for (Map.Entry<String, String> e : p.values().entrySet()) {
            sb.append("<Column Name=\"")
                    .append(escape(e.getKey()))
                    .append("\" Value=\"")
                    .append(escape(e.getValue()))
                    .append("\"/>");
        }
        long created = t.createdMillis() / 1000;
        long modified = t.lastModifiedMillis() / 1000;
        sb.append("<CreationTime>").append(created).append("</CreationTime>");
        sb.append("<LastDDLTime>").append(created).append("</LastDDLTime>");
        sb.append("<LastModifiedTime>").append(modified).append("</LastModifiedTime>");
        return sb.append("</Partition>").toString();
    }

    /** The body of {@code GET table?partition=..}: partition meta JSON in {@code <Schema>}. */
    static String partitionMeta(TableState t, PartitionSpec p) {
        ObjectNode root = JSON.createObjectNode();
        root.put("createTime", t.createdMillis() / 1000);
        root.put("lastDDLTime", t.createdMillis() / 1000);
        root.put("lastModifiedTime", t.lastModifiedMillis() / 1000);
        root.put("lastAccessTime", 0);
        root.put("partitionSize", 0);
        root.put("partitionRecordNum", t.rowCount(p));
        return "<Partition><Schema>" + cdata(root.toString()) + "</Schema></Partition>";
    }
}
