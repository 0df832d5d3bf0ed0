package io.floatlb.core.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One HOCON object read with a schema: every getter reports what is wrong with its key to
 * {@link Problems} and hands back a usable default, so that one pass finds every mistake.
 */
final class Section {
    private final ConfigObject object;
    private final String path;
    private final ConfigOrigin origin;
    private final Problems problems;

    Section(ConfigObject object, String path, ConfigOrigin origin, Problems problems) {
        this.object = object;
        this.path = path;
        this.origin = origin;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    ConfigOrigin origin() {
        return origin;
    }

    /** The path of a key, quoted where the operator's key needs it ({@code services."a:b"}). */
    String child(String key) {
        String quoted = ConfigUtil.joinPath(key);
        return path.isEmpty() ? quoted : path + "." + quoted;
    }

    ConfigOrigin originOf(String key) {
        ConfigValue v = object.get(key);
        return v != null ? v.origin() : origin;
    }

    boolean has(String key) {
        return object.containsKey(key);
    }

    Set<String> keys() {
        return object.keySet();
    }

    void error(String key, String message) {
        problems.error(originOf(key), key == null ? path : child(key), message);
    }

    void warn(String key, String message) {
        problems.warn(originOf(key), key == null ? path : child(key), message);
    }

    /** Unknown keys are almost always typos: name them, and the nearest known key. */
    void allowOnly(String... known) {
        List<String> allowed = Arrays.asList(known);
        for (String key : object.keySet()) {
            if (!allowed.contains(key)) {
                String hint = nearest(key, allowed).map(k -> "; did you mean '" + k + "'?")
                        .orElse("; known keys: " + String.join(", ", allowed));
                problems.error(originOf(key), child(key), "unknown key" + hint);
            }
        }
    }

    Optional<Section> section(String key) {
        ConfigValue v = object.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.valueType() != ConfigValueType.OBJECT) {
            error(key, "must be an object { ... }, not " + describe(v));
            return Optional.empty();
        }
        return Optional.of(new Section((ConfigObject) v, child(key), v.origin(), problems));
    }

    /** A child section, or an empty one standing in for defaults when the key is absent. */
    Section sectionOrEmpty(String key) {
        return section(key).orElseGet(() -> new Section(
                ConfigFactory.empty().root(), child(key), origin, problems));
    }

    /** The entries of an object whose keys are names chosen by the operator (pools, services). */
    List<Section> namedSections(String key) {
        return section(key).map(s -> s.keys().stream().sorted()
                .map(name -> s.section(name).orElse(null))
                .filter(x -> x != null)
                .toList()).orElse(List.of());
    }

    /** The last element of the path, which is the operator's name for a named section. */
    String name() {
        try {
            List<String> parts = ConfigUtil.splitPath(path.replaceAll("\\[\\d+]$", ""));
            return parts.get(parts.size() - 1);
        } catch (ConfigException e) {
            return path; // not a path HOCON can split: the name check reports it
        }
    }

    Optional<String> string(String key) {
        ConfigValue v = object.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.NUMBER
                || v.valueType() == ConfigValueType.BOOLEAN) {
            return Optional.of(String.valueOf(v.unwrapped()));
        }
        error(key, "must be a string, not " + describe(v));
        return Optional.empty();
    }

    String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    Optional<String> requiredString(String key) {
        if (!has(key)) {
            problems.error(origin, child(key), "is required");
            return Optional.empty();
        }
        return string(key);
    }

    int integer(String key, int fallback, int min, int max) {
        ConfigValue v = object.get(key);
        if (v == null) {
            return fallback;
        }
        if (v.valueType() != ConfigValueType.NUMBER || !(v.unwrapped() instanceof Integer)) {
            error(key, "must be a whole number from " + min + " to " + max + ", not " + describe(v));
            return fallback;
        }
        int n = (Integer) v.unwrapped();
        if (n < min || n > max) {
            error(key, n + " is out of range (" + min + "-" + max + ")");
            return fallback;
        }
        return n;
    }

    boolean bool(String key, boolean fallback) {
        ConfigValue v = object.get(key);
        if (v == null) {
            return fallback;
        }
        if (v.valueType() == ConfigValueType.BOOLEAN) {
            return (Boolean) v.unwrapped();
        }
        // HOCON's own spellings of a switch, as in "handover = off".
        if (v.valueType() == ConfigValueType.STRING) {
            switch (((String) v.unwrapped()).toLowerCase(Locale.ROOT)) {
                case "on", "yes" -> {
                    return true;
                }
                case "off", "no" -> {
                    return false;
                }
                default -> { }
            }
        }
        error(key, "must be true or false (or on/off), not " + describe(v));
        return fallback;
    }

    /** A duration such as "2s" or "500ms" (a bare number is milliseconds), within bounds. */
    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        ConfigValue v = object.get(key);
        if (v == null) {
            return fallback;
        }
        Duration d;
        try {
            d = object.toConfig().getDuration(ConfigUtil.quoteString(key));
        } catch (ConfigException e) {
            error(key, "'" + v.unwrapped() + "' is not a duration; write it like 500ms, 2s or 5m");
            return fallback;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            error(key, format(d) + " makes no sense here; use from " + format(min) + " to " + format(max));
            return fallback;
        }
        return d;
    }

    /** An enum written in kebab-case, e.g. "least-connections" for LEAST_CONNECTIONS. */
    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return fallback;
        }
        String wanted = s.get().trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        String options = Arrays.stream(type.getEnumConstants()).map(Section::kebab).collect(Collectors.joining(", "));
        error(key, "'" + s.get() + "' is not one of " + options);
        return fallback;
    }

    List<String> stringList(String key) {
        return list(key, (v, at) -> {
            if (v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.NUMBER) {
                return String.valueOf(v.unwrapped());
            }
            problems.error(v.origin(), at, "must be a string, not " + describe(v));
            return null;
        });
    }

    List<Section> objectList(String key) {
        return list(key, (v, at) -> {
            if (v.valueType() == ConfigValueType.OBJECT) {
                return new Section((ConfigObject) v, at, v.origin(), problems);
            }
            problems.error(v.origin(), at, "must be an object { ... }, not " + describe(v));
            return null;
        });
    }

    private <T> List<T> list(String key, BiFunction<ConfigValue, String, T> element) {
        ConfigValue v = object.get(key);
        if (v == null) {
            return List.of();
        }
        if (v.valueType() != ConfigValueType.LIST) {
            error(key, "must be a list [ ... ], not " + describe(v));
            return List.of();
        }
        List<T> out = new ArrayList<>();
        List<? extends ConfigValue> items = (ConfigList) v;
        for (int i = 0; i < items.size(); i++) {
            T t = element.apply(items.get(i), child(key) + "[" + i + "]");
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NULL -> "null";
            default -> v.valueType().name().toLowerCase(Locale.ROOT) + " " + v.render();
        };
    }

    private static Optional<String> nearest(String key, List<String> known) {
        Function<String, Integer> distance = k -> levenshtein(key, k);
        return known.stream().min(Comparator.comparing(distance))
                .filter(k -> distance.apply(k) <= Math.max(2, key.length() / 3));
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
