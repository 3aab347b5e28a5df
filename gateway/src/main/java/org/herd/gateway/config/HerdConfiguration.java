package org.herd.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;

/**
 * The raw key/value layer of a role's configuration, read with Apache Commons Configuration 2:
 * a properties file (e.g. {@code etc/herd-directory.properties}), overridden by environment
 * variables ({@code herd.directory.zone} ← {@code HERD_DIRECTORY_ZONE}: upper case, dots and
 * hyphens as underscores), overridden in turn by Java system properties of the same key
 * ({@code -Dherd.directory.zone=…}). Values not set anywhere take the role's default.
 *
 * <p>Only the keys the role declares are accepted: an unknown key in the file (a typo) is an
 * error naming the key and the file. Typed getters turn a bad value into one
 * {@link ConfigException} naming the key, the value and its source.
 */
public final class HerdConfiguration {

    private final Map<String, String> defaults;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    private HerdConfiguration(Map<String, String> defaults) {
        this.defaults = defaults;
    }

    /**
     * Loads {@code file} (may be null: defaults and overrides only) with the given environment
     * and system properties.
     *
     * @param defaults every accepted key and its default ({@code ""} = required, no default)
     * @throws ConfigException if the file cannot be read or holds an unknown key
     */
    public static HerdConfiguration load(Path file, Map<String, String> defaults, Map<String, String> environment,
                                         Properties systemProperties) {
        HerdConfiguration c = new HerdConfiguration(Map.copyOf(defaults));
        defaults.forEach((k, v) -> {
            c.values.put(k, v);
            c.sources.put(k, "the default");
        });
        if (file != null) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new ConfigException(null, "configuration file " + file + " does not exist or is not readable");
            }
            PropertiesConfiguration properties = new PropertiesConfiguration();
            try {
                new FileHandler(properties).load(file.toFile());
            } catch (ConfigurationException e) {
                throw new ConfigException(null, "cannot read configuration file " + file + ": " + e.getMessage());
            }
            List<String> unknown = new ArrayList<>();
            for (Iterator<String> it = properties.getKeys(); it.hasNext(); ) {
                String key = it.next();
                if (!defaults.containsKey(key)) {
                    unknown.add(key);
                    continue;
                }
                c.values.put(key, properties.getString(key, "").trim());
                c.sources.put(key, "file " + file);
            }
            if (!unknown.isEmpty()) {
                throw new ConfigException(unknown.get(0), "unknown key(s) " + unknown + " in " + file
                        + "; the keys of this role are documented in the shipped file");
            }
        }
        for (String key : defaults.keySet()) {
            String env = environmentName(key);
            if (environment.containsKey(env)) {
                c.values.put(key, environment.get(env).trim());
                c.sources.put(key, "environment variable " + env);
            }
            if (systemProperties.containsKey(key)) {
                c.values.put(key, systemProperties.getProperty(key).trim());
                c.sources.put(key, "system property -D" + key);
            }
        }
        return c;
    }

    /** The environment variable that overrides {@code key}. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Where the value of {@code key} came from (for messages). */
    public String source(String key) {
        return sources.getOrDefault(key, "nowhere");
    }

    private String raw(String key) {
        if (!defaults.containsKey(key)) {
            throw new IllegalArgumentException("undeclared key " + key); // a bug in the role, not the operator's
        }
        return values.get(key);
    }

    private ConfigException bad(String key, String why) {
        return new ConfigException(key, "bad value for " + key + " = '" + raw(key) + "' (from " + source(key) + "): " + why);
    }

    /** A non-empty string. */
    public String string(String key) {
        String v = raw(key);
        if (v.isEmpty()) {
            throw new ConfigException(key, key + " is required but not set (from " + source(key) + ")");
        }
        return v;
    }

    /** A string that may be empty. */
    public String optionalString(String key) {
        return raw(key);
    }

    /** A long in {@code [min, max]}. */
    public long longValue(String key, long min, long max) {
        String v = string(key);
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(key, "not an integer");
        }
        if (n < min || n > max) {
            throw bad(key, "must be in [" + min + ", " + max + "]");
        }
        return n;
    }

    /** An int in {@code [min, max]}. */
    public int intValue(String key, int min, int max) {
        return (int) longValue(key, min, max);
    }

    /** A finite double in {@code [min, max]}. */
    public double doubleValue(String key, double min, double max) {
        String v = string(key);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad(key, "not a number");
        }
        if (!(d >= min && d <= max)) {
            throw bad(key, "must be in [" + min + ", " + max + "]");
        }
        return d;
    }

    /** A path (relative paths are taken as given, i.e. against the working directory). */
    public Path path(String key) {
        try {
            return Path.of(string(key));
        } catch (java.nio.file.InvalidPathException e) {
            throw bad(key, "not a path: " + e.getMessage());
        }
    }

    /** A comma-separated list (empty entries dropped). */
    public List<String> list(String key) {
        List<String> out = new ArrayList<>();
        for (String s : raw(key).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** Throws a {@link ConfigException} for {@code key} with {@code why} (for checks the role does itself). */
    public ConfigException invalid(String key, String why) {
        return bad(key, why);
    }
}
