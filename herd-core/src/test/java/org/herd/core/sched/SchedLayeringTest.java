package org.herd.core.sched;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** {@code sched} sits beside {@code link}: it uses only time, metrics, wire and its own libraries. */
class SchedLayeringTest {

    @Test
    void schedDependsOnlyOnTimeWireAndItsLibraries() {
        JavaClasses sched = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.herd.core.sched");
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "org.herd.core.sched..", "org.herd.core.time..", "org.herd.core.metrics..", "org.herd.core.wire..",
                "java..", "org.HdrHistogram..", "org.slf4j..")
                .check(sched);
    }
}
