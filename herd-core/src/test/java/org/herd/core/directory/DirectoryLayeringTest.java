package org.herd.core.directory;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The rate logic of the directory is pure (STYLE.md: protocol core does no I/O, reads time only
 * through a Clock): only the store classes touch JDBC or the file system.
 */
class DirectoryLayeringTest {

    private static final JavaClasses DIRECTORY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.herd.core.directory");

    @Test
    void onlyTheStoreTouchesJdbcFilesOrSockets() {
        noClasses().that().resideInAPackage("org.herd.core.directory")
                .and().haveNameNotMatching("org\\.herd\\.core\\.directory\\.(DirectoryStore|SqlDialect|ZoneBootstrap)(\\$.*)?")
                .should().dependOnClassesThat(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(
                        "java.sql..", "java.io..", "java.nio.file..", "java.net..", "java.nio.channels..", "io.netty..",
                        "org.sqlite..")
                        // Address values (a mix descriptor names its endpoint) are data, not I/O.
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(
                                com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameStartingWith("Inet")))
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(
                                com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName("UnknownHostException"))))
                .check(DIRECTORY);
    }

    @Test
    void theRateLogicReadsNoWallClockDirectly() {
        noClasses().that().resideInAPackage("org.herd.core.directory")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(java.time.Instant.class, "now")
                .check(DIRECTORY);
    }
}
