package io.floatlb.core.config;

import java.util.regex.Pattern;

/**
 * What operator-chosen names may look like. Node names end up in ZooKeeper paths and
 * interface names in {@code ip} arguments, so both are checked here, once.
 */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");
    /** Linux IFNAMSIZ is 16 with the NUL, and "." or ".." are refused by the kernel. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");

    private Names() {}

    public static boolean isName(String s) {
        return NAME.matcher(s).matches();
    }

    public static boolean isInterface(String s) {
        return INTERFACE.matcher(s).matches();
    }

    static final String NAME_RULE = "use letters, digits, '.', '_' or '-' (at most 63, starting and ending with a letter or digit)";
    static final String INTERFACE_RULE = "an interface name has at most 15 letters, digits, '.', '_' or '-'";
}
