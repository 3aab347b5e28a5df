package org.herd.gateway.bench;

import java.util.concurrent.Callable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herd bench jmh}: runs the JMH microbenchmarks of herd-bench with the GC profiler. */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = "Run the JMH microbenchmarks of the per-cell path (time and bytes allocated per op).")
public final class JmhCommand implements Callable<Integer> {

    @Option(names = "--include", description = "Regular expression of benchmarks to run (default: all Herd benchmarks).")
    String include = "org\\.herd\\.bench\\.jmh\\..*";

    @Option(names = "--quick", description = "One fork, short iterations: a smoke run, not a measurement.")
    boolean quick;

    @Option(names = "--json", description = "Also write JMH's JSON results to this file.")
    String json;

    @Override
    public Integer call() throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (quick) {
            options.forks(1).warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.seconds(1));
        } else {
            options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        if (json != null) {
            options.resultFormat(ResultFormatType.JSON).result(json);
        }
        new Runner(options.build()).run();
        return 0;
    }
}
