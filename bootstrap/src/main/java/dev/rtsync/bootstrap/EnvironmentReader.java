package dev.rtsync.bootstrap;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values from the environment. Every failure names the variable and what it expects,
 * and never repeats the value (it may be a secret).
 */
final class EnvironmentReader {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, String> environment;

    EnvironmentReader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The value as set, or the setting's default; blank counts as unset. */
    String text(Setting setting) {
        String value = environment.get(setting.name());
        return value == null || value.isBlank() ? setting.defaultValue() : value.trim();
    }

    Optional<String> optionalText(Setting setting) {
        String value = text(setting);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    int integer(Setting setting, int min, int max) {
        String value = text(setting);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw new ConfigurationException(setting.name() + " must be a whole number from " + min + " to " + max);
    }

    boolean bool(Setting setting) {
        return switch (text(setting).toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigurationException(setting.name() + " must be true or false");
        };
    }

    /** A duration, or empty when the setting is empty. */
    Optional<Duration> optionalDuration(Setting setting, Duration min, Duration max) {
        return text(setting).isEmpty() ? Optional.empty() : Optional.of(duration(setting, min, max));
    }

    /** A duration such as {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 30d}, or ISO-8601 ({@code PT10S}). */
    Duration duration(Setting setting, Duration min, Duration max) {
        Duration parsed = parseDuration(text(setting));
        if (parsed == null || parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new ConfigurationException(setting.name() + " must be a duration from " + describe(min) + " to "
                    + describe(max) + ", written like 250ms, 10s, 5m or PT10S");
        }
        return parsed;
    }

    /** Parses {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 30d} or ISO-8601; null when it is none of them. */
    static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.toLowerCase(java.util.Locale.ROOT));
        try {
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String describe(Duration duration) {
        if (duration.toMillis() < 1000) {
            return duration.toMillis() + "ms";
        }
        return duration.toSeconds() + "s";
    }
}
