package org.herd.sim.cost;

/**
 * Dollars per user and month (30.44 days) of a zone of U users.
 *
 * <p>Traffic volumes, per user: every link runs at a constant rate (§3.4), so volumes follow
 * from provisioning, not from the hour of the day. Downstream from the mixes leaves the cloud:
 * with superpeers one stream per channel, i.e. streamKBps·T/(clients per channel) per user;
 * without, one stream per client, streamKBps·T (traffic into the cloud is free). Inter-zone
 * mix links are provisioned for the peak: a fraction f of the δ·U/2 peak calls cross zones,
 * two directions each, i.e. f·δ·streamKBps·T per user. Intra-zone mix traffic is billed at the
 * intra-zone price. Mix instances: U / (clients per core · cores) rounded up.
 */
public final class CostModel {

    /** Seconds in an average month. */
    public static final double MONTH_SECONDS = 365.25 / 12 * 86_400;

    private final PriceTable prices;

    /** A model over the given prices. */
    public CostModel(PriceTable prices) {
        this.prices = prices;
    }

    /** Itemised monthly cost per user. */
    public record Breakdown(double egressGb, double interzoneGb, double intrazoneGb, double instances,
            double egressUsd, double interzoneUsd, double intrazoneUsd, double instanceUsd, double spPaymentUsd) {
        /** Sum of the items. */
        public double totalUsd() {
            return egressUsd + interzoneUsd + intrazoneUsd + instanceUsd + spPaymentUsd;
        }
    }

    /**
     * @param users      U
     * @param peakDuty   δ, peak fraction of users in a call
     * @param interzone  f, fraction of calls between zones
     * @param superpeers whether clients attach through superpeers
     */
    public Breakdown perUserMonth(long users, double peakDuty, double interzone, boolean superpeers) {
        double gbPerStreamMonth = prices.streamKBps() * 1000 * MONTH_SECONDS / 1e9;
        double egressGb = superpeers ? gbPerStreamMonth / prices.clientsPerChannel() : gbPerStreamMonth;
        double callGb = peakDuty * gbPerStreamMonth;
        double interGb = interzone * callGb;
        double intraGb = (1 - interzone) * callGb;
        double perCore = superpeers ? prices.spClientsPerCore() : prices.directClientsPerCore();
        double instances = Math.ceil(users / (perCore * prices.instanceCores()));
        double instanceUsd = instances * prices.instancePerHour() * MONTH_SECONDS / 3600 / users;
        return new Breakdown(egressGb, interGb, intraGb, instances, egressGb * prices.egressPerGb(),
                interGb * prices.interzonePerGb(), intraGb * prices.intrazonePerGb(), instanceUsd,
                superpeers ? prices.spPaymentPerUser() : 0);
    }
}
