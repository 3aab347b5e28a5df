package org.herd.sim.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Prices and capacities read from a properties file (defaults: {@code prices.properties} on the
 * class path, documented there and in {@code docs/sim.md}).
 *
 * @param egressPerGb          $/GB leaving the cloud (to superpeers or clients)
 * @param interzonePerGb       $/GB between zones (data centres)
 * @param intrazonePerGb       $/GB between mixes of one zone
 * @param instancePerHour      $/hour of one mix instance
 * @param instanceCores        cores per instance
 * @param directClientsPerCore clients a mix core serves directly
 * @param spClientsPerCore     clients a mix core serves through superpeers
 * @param streamKBps           rate of one chaffed stream, KB/s (1 KB = 1000 bytes)
 * @param clientsPerChannel    N/C of the superpeer topology
 * @param spPaymentPerUser     $/user/month paid to superpeers
 */
public record PriceTable(double egressPerGb, double interzonePerGb, double intrazonePerGb, double instancePerHour,
        int instanceCores, double directClientsPerCore, double spClientsPerCore, double streamKBps,
        double clientsPerChannel, double spPaymentPerUser) {

    /** Validates once. */
    public PriceTable {
        if (egressPerGb < 0 || interzonePerGb < 0 || intrazonePerGb < 0 || instancePerHour < 0 || instanceCores < 1
                || directClientsPerCore <= 0 || spClientsPerCore <= 0 || streamKBps <= 0 || clientsPerChannel < 1
                || spPaymentPerUser < 0) {
            throw new IllegalArgumentException("price table out of range: " + this);
        }
    }

    /** The shipped defaults. */
    public static PriceTable defaults() throws IOException {
        try (InputStream in = PriceTable.class.getResourceAsStream("prices.properties")) {
            Properties p = new Properties();
            p.load(in);
            return from(p, "built-in prices.properties");
        }
    }

    /** Reads a file; keys missing from it take the defaults. */
    public static PriceTable load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = PriceTable.class.getResourceAsStream("prices.properties")) {
            p.load(in);
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return from(p, file.toString());
    }

    private static PriceTable from(Properties p, String where) {
        try {
            return new PriceTable(d(p, "egress_internet_usd_per_gb"), d(p, "interzone_usd_per_gb"),
                    d(p, "intrazone_usd_per_gb"), d(p, "instance_usd_per_hour"), (int) d(p, "instance_cores"),
                    d(p, "direct_clients_per_core"), d(p, "sp_clients_per_core"), d(p, "stream_kBps"),
                    d(p, "clients_per_channel"), d(p, "sp_payment_usd_per_user"));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(where + ": bad or missing price: " + e.getMessage(), e);
        }
    }

    private static double d(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new NumberFormatException("missing key " + key);
        }
        return Double.parseDouble(v.strip());
    }
}
