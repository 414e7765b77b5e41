package dev.rtsync.benchmarks;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tool's settings: {@code --name value} (or {@code --name=value}) on the command line, else
 * the environment variable {@code BENCH_NAME} (upper case, dashes as underscores), else a default.
 * Every number is bounded, so no setting can make a run unbounded. A flag that no step read is an
 * error, so a typo never silently runs the default.
 */
final class Options {

    private final Map<String, String> flags;
    private final Map<String, String> env;
    private final Set<String> read = new LinkedHashSet<>();
    private final Map<String, String> used = new LinkedHashMap<>();

    Options(Map<String, String> flags, Map<String, String> env) {
        this.flags = Map.copyOf(flags);
        this.env = Map.copyOf(env);
    }

    static Options parse(String[] args, int from, Map<String, String> env) {
        Map<String, String> flags = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("expected --flag value, got " + arg);
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            if (flags.put(name, value) != null) {
                throw new UsageException("--" + name + " given twice");
            }
        }
        return new Options(flags, env);
    }

    static String envName(String flag) {
        return "BENCH_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The raw value of a flag or its environment variable, or {@code fallback}. */
    String text(String name, String fallback) {
        read.add(name);
        String value = flags.get(name);
        if (value == null) {
            value = env.get(envName(name));
        }
        String result = value == null || value.isBlank() ? fallback : value.strip();
        used.put(name, result);
        return result;
    }

    /** Like {@link #text} but falls back to a plain environment variable the service also reads. */
    String textOrEnv(String name, String serviceEnv, String fallback) {
        String fromEnv = env.get(serviceEnv);
        return text(name, fromEnv == null || fromEnv.isBlank() ? fallback : fromEnv.strip());
    }

    long number(String name, long fallback, long min, long max) {
        String value = text(name, Long.toString(fallback));
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, not " + value);
        }
        if (parsed < min || parsed > max) {
            throw new UsageException("--" + name + " must be from " + min + " to " + max + ", not " + parsed);
        }
        return parsed;
    }

    int integer(String name, int fallback, int min, int max) {
        return (int) number(name, fallback, min, max);
    }

    boolean flag(String name, boolean fallback) {
        String value = text(name, Boolean.toString(fallback));
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new UsageException("--" + name + " must be true or false, not " + value);
        };
    }

    /** Refuses flags that no step asked for. */
    void rejectUnread() {
        for (String name : flags.keySet()) {
            if (!read.contains(name)) {
                throw new UsageException("unknown flag --" + name + " for this scenario (see docs/benchmarks.md)");
            }
        }
    }

    /** The settings in force, for the report, with any password in a URL masked. */
    Map<String, String> used() {
        Map<String, String> shown = new LinkedHashMap<>();
        used.forEach((name, value) -> shown.put(name, value.replaceAll("://([^:@/]*):[^@/]*@", "://$1:***@")));
        return shown;
    }
}
