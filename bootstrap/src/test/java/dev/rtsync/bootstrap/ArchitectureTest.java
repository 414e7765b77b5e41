package dev.rtsync.bootstrap;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.List;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The hexagon's boundaries, checked on the production classes of every module. Bootstrap is
 * the one module that sees them all, so the rules live here. The Maven module graph says the
 * same; these rules also catch what Maven cannot, such as a package cycle inside a module.
 */
@AnalyzeClasses(packages = "dev.rtsync", importOptions = ArchitectureTest.ProductionClassesOnly.class)
class ArchitectureTest {

    /** Leaves out test classes, including those of the modules' test-jars. */
    static final class ProductionClassesOnly implements ImportOption {
        private final ImportOption doNotIncludeTests = new ImportOption.DoNotIncludeTests();

        @Override
        public boolean includes(Location location) {
            return doNotIncludeTests.includes(location) && !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule the_domain_depends_on_nothing_but_the_jdk =
            classes().that().resideInAPackage("dev.rtsync.domain..")
                    .should().onlyDependOnClassesThat().resideInAnyPackage("dev.rtsync.domain..", "java..");

    @ArchTest
    static final ArchRule the_application_depends_on_the_domain_and_the_jdk_only =
            classes().that().resideInAPackage("dev.rtsync.application..")
                    .should().onlyDependOnClassesThat()
                    .resideInAnyPackage("dev.rtsync.application..", "dev.rtsync.domain..", "java..");

    @ArchTest
    static final ArchRule adapters_never_depend_on_each_other =
            slices().matching("dev.rtsync.adapters.(*)..").should().notDependOnEachOther();

    /** The use cases, each with its command and result types, and the record that bundles them. */
    private static final DescribedPredicate<JavaClass> USE_CASES =
            resideInAPackage("dev.rtsync.application.usecase..")
                    .and(nameMatching(".*\\.\\w+UseCases?(\\$.*)?"))
                    .as("use cases");

    @ArchTest
    static final ArchRule driven_adapters_see_the_application_only_through_its_ports =
            noClasses().that().resideInAnyPackage("dev.rtsync.adapters.postgres..", "dev.rtsync.adapters.jwt..",
                            "dev.rtsync.adapters.metrics..")
                    .should().dependOnClassesThat().resideInAPackage("dev.rtsync.application.usecase..");

    @ArchTest
    static final ArchRule adapters_call_use_cases_but_never_the_applications_internals =
            noClasses().that().resideInAPackage("dev.rtsync.adapters..")
                    .should().dependOnClassesThat(resideInAPackage("dev.rtsync.application.usecase..").and(not(USE_CASES))
                            .as("are in the application's use-case package but are not use cases (its internals, "
                                    + "such as ConnectionRegistry)"));

    @ArchTest
    static final ArchRule only_the_bootstrap_depends_on_adapters =
            noClasses().that().resideOutsideOfPackages("dev.rtsync.adapters..", "dev.rtsync.bootstrap..")
                    .should().dependOnClassesThat().resideInAPackage("dev.rtsync.adapters..");

    @ArchTest
    static final ArchRule only_the_metrics_adapter_and_the_bootstrap_know_micrometer =
            noClasses().that().resideOutsideOfPackages("dev.rtsync.adapters.metrics..", "dev.rtsync.bootstrap..")
                    .and().resideInAPackage("dev.rtsync..")
                    .should().dependOnClassesThat().resideInAPackage("io.micrometer..");

    @ArchTest
    static final ArchRule nothing_depends_on_the_bootstrap =
            noClasses().that().resideOutsideOfPackage("dev.rtsync.bootstrap..")
                    .should().dependOnClassesThat().resideInAPackage("dev.rtsync.bootstrap..");

    @ArchTest
    static final ArchRule packages_have_no_cycles =
            slices().matching("dev.rtsync.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule ports_are_interfaces_or_the_values_they_carry =
            classes().that().resideInAPackage("dev.rtsync.application.port.out")
                    .and().haveSimpleNameNotEndingWith("Exception")
                    .should().beInterfaces().orShould().beRecords().orShould().beEnums();

    @ArchTest
    static final ArchRule use_cases_take_a_command_record_and_return_a_result_record_or_sealed_type =
            methods().that().areDeclaredInClassesThat().resideInAPackage("dev.rtsync.application.usecase")
                    .and().areDeclaredInClassesThat().haveSimpleNameEndingWith("UseCase")
                    .and().arePublic()
                    .should(takeOneCommandRecordAndReturnAResult());

    /**
     * A command is one record; a use case the clock drives (the timers') takes none, time comes
     * through the {@code Clock} port. A result is a record, a sealed interface of records or an
     * enum: never a bare boolean, an {@code Optional}, a domain object the caller could change, or
     * a wire message. A step with nothing to report ({@code KeepAliveUseCase.leave}) returns nothing.
     */
    private static ArchCondition<JavaMethod> takeOneCommandRecordAndReturnAResult() {
        return new ArchCondition<>("take no parameter or one command record, and return a record, a sealed interface or an enum") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                List<JavaClass> parameters = method.getRawParameterTypes();
                boolean takesACommand = parameters.isEmpty() || parameters.size() == 1 && parameters.getFirst().isRecord();
                JavaClass result = method.getRawReturnType();
                boolean returnsAResult = result.isRecord() || result.isEnum() || result.getName().equals("void")
                        || result.isInterface() && result.reflect().isSealed();
                if (!takesACommand) {
                    events.add(SimpleConditionEvent.violated(method, method.getFullName() + " takes " + parameters
                            + ", not one command record"));
                }
                if (!returnsAResult) {
                    events.add(SimpleConditionEvent.violated(method, method.getFullName() + " returns " + result.getName()
                            + ", not a result record, a sealed interface or an enum"));
                }
            }
        };
    }
}
