package dev.rtsync.bootstrap;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table is rendered from {@link Setting}, so code and documentation
 * cannot drift. When this fails, paste the rendered table printed in the failure between the
 * README's {@code settings} markers.
 */
class ConfigurationTableTest {

    private static final String BEGIN = "<!-- settings:begin -->\n";
    private static final String END = "<!-- settings:end -->";

    static String renderTable() {
        return "| Variable | Default | Meaning |\n|---|---|---|\n" + Setting.all().stream()
                .map(setting -> "| `" + setting.name() + "` | "
                        + (setting.defaultValue().isEmpty() ? "—" : "`" + setting.defaultValue() + "`")
                        + " | " + setting.description() + " |\n")
                .collect(Collectors.joining());
    }

    @Test
    void the_readme_lists_every_setting_with_its_default() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README has the settings markers").isNotNegative();
        assertThat(end).isGreaterThan(begin);

        assertThat(readme.substring(begin + BEGIN.length(), end)).isEqualTo(renderTable());
    }
}
