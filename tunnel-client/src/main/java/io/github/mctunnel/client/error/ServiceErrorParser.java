package io.github.mctunnel.client.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import java.io.IOException;
import java.io.StringReader;

/**
 * Reads the service's error body: tunnel JSON ({@code {"Code":..,"Message":..,
 * "HoldClientMillis":..}}) or ODPS XML ({@code <Error><Code>..</Code><Message>..</Message>}). A
 * body that is neither becomes the message as is, without a code.
 */
public final class ServiceErrorParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_RAW_MESSAGE = 1000;

    private ServiceErrorParser() {}

    /** The parsed error: code (may be null), message, and hold time in ms (0 when absent). */
    public record ServiceError(String code, String message, long holdClientMillis) {}

    public static ServiceError parse(String body) {
        String text = body == null ? "" : body.trim();
        if (text.startsWith("{")) {
            try {
                JsonNode node = MAPPER.readTree(text);
                String code = textOrNull(node.get("Code"));
                String message = textOrNull(node.get("Message"));
                JsonNode hold = node.get("HoldClientMillis");
                long holdMillis = hold == null ? 0 : Math.max(0, hold.asLong(0));
                if (code != null || message != null) {
                    return new ServiceError(code, message == null ? "" : message, holdMillis);
                }
            } catch (IOException ignored) {
                // fall through: not JSON after all
            }
        } else if (text.startsWith("<")) {
            ServiceError xml = parseXml(text);
            if (xml != null) {
                return xml;
            }
        }
        String raw =
                text.length() > MAX_RAW_MESSAGE ? text.substring(0, MAX_RAW_MESSAGE) + "..." : text;
        return new ServiceError(null, raw.isEmpty() ? "(empty response body)" : raw, 0);
    }

    private static ServiceError parseXml(String text) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            Document doc = builder.parse(new InputSource(new StringReader(text)));
            String code = firstText(doc, "Code");
            String message = firstText(doc, "Message");
            if (code == null && message == null) {
                return null;
            }
            return new ServiceError(code, message == null ? "" : message, 0);
        } catch (Exception e) {
            return null;
        }
    }

    private static String firstText(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
