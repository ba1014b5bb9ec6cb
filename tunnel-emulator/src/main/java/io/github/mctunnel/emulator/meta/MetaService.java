package io.github.mctunnel.emulator.meta;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;
import io.github.mctunnel.emulator.server.RequestHandler;
import io.github.mctunnel.emulator.server.ServiceException;
import io.github.mctunnel.emulator.server.TunnelPath;
import io.github.mctunnel.emulator.sql.SqlException;
import io.github.mctunnel.emulator.sql.SqlExecutor;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static io.github.mctunnel.emulator.server.Xml.cdata;
import static io.github.mctunnel.emulator.server.Xml.escape;

/**
 * The ODPS meta API under {@code /api}: project, tables, partitions, tunnel endpoint discovery and
 * SQL instances (spec 14.6 and 17).
 */
public final class MetaService implements RequestHandler {

    private static final String XML_HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    private static final int DEFAULT_PAGE = 1000;

    private final Catalog catalog;
    private final SqlExecutor sql;
    private final SqlInstances instances;
    private final Clock clock;
    private final Supplier<String> tunnelHostPort;
    private final Supplier<String> odpsEndpoint;
    private final long startedMillis;

    /**
     * @param tunnelHostPort {@code host:port} answered by tunnel endpoint discovery
     * @param odpsEndpoint {@code http://host:port/api}, for instance {@code Location} headers
     */
    public MetaService(
            Catalog catalog,
            Clock clock,
            Supplier<String> tunnelHostPort,
            Supplier<String> odpsEndpoint) {
        this.catalog = catalog;
        this.sql = new SqlExecutor(catalog);
        this.instances = new SqlInstances(clock);
        this.clock = clock;
        this.tunnelHostPort = tunnelHostPort;
        this.odpsEndpoint = odpsEndpoint;
        this.startedMillis = clock.millis();
    }

    @Override
    public void handle(EmulatorRequest req, EmulatorResponse resp) throws Exception {
        String[] s = TunnelPath.segments(req.path());
        if (s.length >= 2 && s[0].equals("projects")) {
            String project = s[1];
            if (s.length == 2 && req.method().equals("GET")) {
                project(project, resp);
                return;
            }
            if (s.length >= 3) {
                switch (s[2]) {
                    case "tables" -> {
                        if (s.length == 3 && req.method().equals("GET")) {
                            listTables(project, req, resp);
                            return;
                        }
                        if (s.length == 4 && req.method().equals("GET")) {
                            table(project, s[3], req, resp);
                            return;
                        }
                    }
                    case "tunnel" -> {
                        if (s.length == 3 && req.method().equals("GET")) {
                            catalog.requireProject(project);
                            resp.body(
                                    tunnelHostPort.get().getBytes(StandardCharsets.UTF_8),
                                    "text/plain");
                            return;
                        }
                    }
                    case "instances" -> {
                        if (s.length == 3 && req.method().equals("POST")) {
                            createInstance(project, req, resp);
                            return;
                        }
                        if (s.length == 4 && req.method().equals("GET")) {
                            instance(project, s[3], req, resp);
                            return;
                        }
                    }
                    case "logs" -> {
                        return;
                    }
                    default -> {}
                }
            }
        }
        if (!java.util.Set.of("GET", "POST", "PUT", "DELETE", "HEAD").contains(req.method())) {
            throw new ServiceException(
                    405,
                    "MethodNotAllowed",
                    "The method " + req.method() + " is not allowed on /api" + req.path() + ".");
        }
        throw new ServiceException(
                501,
                "NotImplemented",
                "The emulator does not implement " + req.method() + " /api" + req.path() + ".");
    }

    private void project(String project, EmulatorResponse resp) {
        catalog.requireProject(project);
        resp.header("x-odps-creation-time", Rfc822.format(startedMillis));
        resp.header("Last-Modified", Rfc822.format(startedMillis));
        resp.header("x-odps-owner", TableXml.OWNER);
        xml(
                resp,
                "<Project><Name>"
                        + escape(project)
                        + "</Name><Type>managed</Type><Comment></Comment><Owner>"
                        + escape(TableXml.OWNER)
                        + "</Owner><State>AVAILABLE</State><Properties></Properties></Project>");
    }

    private void listTables(String project, EmulatorRequest req, EmulatorResponse resp) {
        List<TableState> all = new ArrayList<>();
        String nameFilter = req.param("name");
        for (TableState t : catalog.tables(project)) {
            if (nameFilter == null
                    || nameFilter.isEmpty()
                    || t.id().table().startsWith(nameFilter)) {
                all.add(t);
            }
        }
        int from = offset(req.param("marker"));
        int page = pageSize(req.param("maxitems"));
        int to = Math.min(all.size(), from + page);
        StringBuilder sb = new StringBuilder("<Tables>");
        for (int i = from; i < to; i++) {
            sb.append(TableXml.table(all.get(i)));
        }
        sb.append("<Marker>")
                .append(to < all.size() ? Integer.toString(to) : "")
                .append("</Marker>");
        sb.append("<MaxItems>").append(page).append("</MaxItems></Tables>");
        xml(resp, sb.toString());
    }

    private void table(String project, String name, EmulatorRequest req, EmulatorResponse resp) {
        TableState t = lookup(project, req.param("curr_schema"), name);
        if (req.hasParam("partitions")) {
            listPartitions(t, req, resp);
        } else if (req.hasParam("partition")) {
            PartitionSpec spec = parseSpec(req.param("partition"));
            if (!t.hasPartition(spec)) {
                throw new ServiceException(
                        404,
                        "NoSuchPartition",
                        "The specified partition '"
                                + spec
                                + "' of table "
                                + t.id()
                                + " does not exist.");
            }
            xml(resp, TableXml.partitionMeta(t, spec));
        } else {
            xml(resp, TableXml.table(t));
        }
    }

    private TableState lookup(String project, String schema, String name) {
        String s = schema == null || schema.isEmpty() ? null : schema;
        if (s != null && s.equalsIgnoreCase("default")) {
            return catalog.findTable(project, s, name)
                    .orElseGet(() -> catalog.table(project, null, name));
        }
        return catalog.table(project, s, name);
    }

    private void listPartitions(TableState t, EmulatorRequest req, EmulatorResponse resp) {
        PartitionSpec filter =
                req.param("partition") == null || req.param("partition").isEmpty()
                        ? PartitionSpec.empty()
                        : parseSpec(req.param("partition"));
        List<PartitionSpec> matching = new ArrayList<>();
        for (PartitionSpec p : t.partitions()) {
            if (p.isEmpty()) {
                continue;
            }
            boolean ok = true;
            for (Map.Entry<String, String> e : filter.values().entrySet()) {
                ok &= e.getValue().equals(p.get(e.getKey()));
            }
            if (ok) {
                matching.add(p);
            }
        }
        if (req.hasParam("reverse")) {
            java.util.Collections.reverse(matching);
        }
        int from = offset(req.param("marker"));
        int page = pageSize(req.param("maxitems"));
        int to = Math.min(matching.size(), from + page);
        StringBuilder sb = new StringBuilder("<Partitions>");
        for (int i = from; i < to; i++) {
            if (req.hasParam("name")) {
                sb.append("<Partition><Name>")
                        .append(escape(matching.get(i).toString()))
                        .append("</Name></Partition>");
            } else {
                sb.append(TableXml.partitionEntry(t, matching.get(i)));
            }
        }
        sb.append("<Marker>")
                .append(to < matching.size() ? Integer.toString(to) : "")
                .append("</Marker>");
        sb.append("<MaxItems>").append(page).append("</MaxItems></Partitions>");
        xml(resp, sb.toString());
    }

    private void createInstance(String project, EmulatorRequest req, EmulatorResponse resp)
            throws Exception {
        catalog.requireProject(project);
        String type = mediaType(req.header("Content-Type"));
        if (!type.equals("application/xml") && !type.equals("text/xml")) {
            throw new ServiceException(
                    415,
                    "UnexpectedContent",
                    "An instance is created from an XML job: Content-Type must be application/xml,"
                            + " not '"
                            + (req.header("Content-Type") == null ? "" : req.header("Content-Type"))
                            + "'");
        }
        byte[] body = req.bodyBytes();
        Document doc = parseXml(body);
        Element sqlTask = sqlTask(doc);
        String taskName = "AnonymousSQLTask";
        Element name = child(sqlTask, "Name");
        if (name != null && !name.getTextContent().isBlank()) {
            taskName = name.getTextContent().trim();
        }
        String text = child(sqlTask, "Query").getTextContent();
        if (text.isBlank()) {
            throw new ServiceException(
                    400, "InvalidArgument", "The SQL task of the job has an empty <Query>.");
        }
        long start = clock.millis();
        String id = instances.newId();
        boolean success;
        String result;
        try {
            result = sql.execute(text, project);
            success = true;
        } catch (SqlException e) {
            result = "FAILED: " + e.getMessage();
            success = false;
        }
        instances.put(
                new SqlInstances.SqlInstance(
                        id, project, taskName, success, result, start, clock.millis()));
        resp.status(201);
        resp.header("Location", odpsEndpoint.get() + "/projects/" + project + "/instances/" + id);
    }

    private void instance(String project, String id, EmulatorRequest req, EmulatorResponse resp) {
        SqlInstances.SqlInstance i = instances.get(project, id);
        resp.header("x-odps-start-time", Rfc822.format(i.startMillis()));
        resp.header("x-odps-end-time", Rfc822.format(i.endMillis()));
        resp.header("x-odps-owner", TableXml.OWNER);
        String taskStatus = i.success() ? "Success" : "Failed";
        if (req.hasParam("taskstatus")) {
            xml(
                    resp,
                    "<Instance><Name>"
                            + escape(i.id())
                            + "</Name><Owner>"
                            + escape(TableXml.OWNER)
                            + "</Owner><StartTime>"
                            + Rfc822.format(i.startMillis())
                            + "</StartTime><EndTime>"
                            + Rfc822.format(i.endMillis())
                            + "</EndTime><Status>Terminated</Status><Tasks><Task Type=\"SQL\"><Name>"
                            + escape(i.taskName())
                            + "</Name><StartTime>"
                            + Rfc822.format(i.startMillis())
                            + "</StartTime><EndTime>"
                            + Rfc822.format(i.endMillis())
                            + "</EndTime><Status>"
                            + taskStatus
                            + "</Status></Task></Tasks></Instance>");
        } else {
            // Plain GET (status polling) and ?result carry the same task list with its result.
            xml(
                    resp,
                    "<Instance><Status>Terminated</Status><Tasks><Task Type=\"SQL\"><Name>"
                            + escape(i.taskName())
                            + "</Name><Result Transform=\"false\" Format=\"text\">"
                            + cdata(i.result())
                            + "</Result><Status>"
                            + taskStatus
                            + "</Status></Task></Tasks></Instance>");
        }
    }

    /**
     * The SQL task of an instance job: {@code <Instance><Job><Tasks><SQL>} with a {@code <Query>};
     * any other shape is a 400.
     */
    private static Element sqlTask(Document doc) {
        Element root = doc.getDocumentElement();
        if (root == null || !root.getTagName().equals("Instance")) {
            throw new ServiceException(
                    400,
                    "MalformedXML",
                    "The instance body must be an <Instance> element, not <"
                            + (root == null ? "" : root.getTagName())
                            + ">.");
        }
        Element job = child(root, "Job");
        Element tasks = job == null ? null : child(job, "Tasks");
        Element sql = tasks == null ? null : child(tasks, "SQL");
        if (sql == null || child(sql, "Query") == null) {
            throw new ServiceException(
                    400,
                    "InvalidArgument",
                    "The emulator runs SQL tasks only; the job has no"
                            + " <Instance><Job><Tasks><SQL><Query>.");
        }
        return sql;
    }

    /** The first child element named {@code name}, or null. */
    private static Element child(Element parent, String name) {
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** The media type of a Content-Type value, lower case without parameters; "" when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi))
                .trim()
                .toLowerCase(java.util.Locale.ROOT);
    }

    private static Document parseXml(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            javax.xml.parsers.DocumentBuilder builder = f.newDocumentBuilder();
            // the default handler prints every fatal error to stderr; the 400 below says it all
            builder.setErrorHandler(
                    new org.xml.sax.helpers.DefaultHandler() {
                        @Override
                        public void fatalError(org.xml.sax.SAXParseException e)
                                throws org.xml.sax.SAXException {
                            throw e;
                        }
                    });
            return builder.parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            throw new ServiceException(
                    400, "MalformedXML", "The instance body is not valid XML: " + e.getMessage());
        }
    }

    private static PartitionSpec parseSpec(String text) {
        try {
            return PartitionSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ServiceException(400, "InvalidPartitionSpec", e.getMessage());
        }
    }

    private static int offset(String marker) {
        if (marker == null || marker.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(marker));
        } catch (NumberFormatException e) {
            throw new ServiceException(400, "InvalidArgument", "Invalid marker '" + marker + "'.");
        }
    }

    private static int pageSize(String maxItems) {
        if (maxItems == null || maxItems.isEmpty()) {
            return DEFAULT_PAGE;
        }
        try {
            int n = Integer.parseInt(maxItems);
            return n <= 0 ? DEFAULT_PAGE : n;
        } catch (NumberFormatException e) {
            throw new ServiceException(
                    400, "InvalidArgument", "Invalid maxitems '" + maxItems + "'.");
        }
    }

    private static void xml(EmulatorResponse resp, String element) {
        resp.body((XML_HEAD + element).getBytes(StandardCharsets.UTF_8), "application/xml");
    }
}
