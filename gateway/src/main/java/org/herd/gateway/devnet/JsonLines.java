package org.herd.gateway.devnet;

/**
 * Reads fields of the one-line JSON objects that Herd's node processes print (flat objects of
 * numbers, strings and arrays, as written by {@link LinkNodeCommand}); no general JSON parser
 * is needed for lines we write ourselves.
 */
public final class JsonLines {

    private JsonLines() {
    }

    /** The raw value of {@code "key":value} in {@code line} (a string without quotes), or null if absent. */
    public static String field(String line, String key) {
        String k = "\"" + key + "\":";
        int i = line.indexOf(k);
        if (i < 0) {
            return null;
        }
        int start = i + k.length();
        if (start < line.length() && line.charAt(start) == '"') {
            return line.substring(start + 1, line.indexOf('"', start + 1));
        }
        int end = start;
        while (end < line.length() && ",}".indexOf(line.charAt(end)) < 0) {
            end++;
        }
        return line.substring(start, end);
    }
}
