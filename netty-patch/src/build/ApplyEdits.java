import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies an edits file to unpacked sources: each edit names a file, the text to find and
 * the text to put in its place. An edit whose text is not found exactly once stops the
 * build, so a Netty upgrade that moved the code fails here instead of shipping unpatched.
 *
 * <pre>
 * @@ path/inside/the/sources.java
 * &lt;&lt;&lt;&lt;
 * text to find
 * ====
 * text to put
 * &gt;&gt;&gt;&gt;
 * </pre>
 * Lines outside an edit that start with # are comments.
 */
public final class ApplyEdits {
    record Edit(String file, String find, String put, int line) { }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            fail("usage: java ApplyEdits.java SOURCE_DIR EDITS_FILE");
        }
        Path sources = Path.of(args[0]);
        Path editsFile = Path.of(args[1]);
        for (Edit e : parse(editsFile)) {
            Path file = sources.resolve(e.file());
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int at = text.indexOf(e.find());
            int count = 0;
            for (int i = at; i >= 0; i = text.indexOf(e.find(), i + 1)) {
                count++;
            }
            if (count != 1) {
                fail(editsFile + ":" + e.line() + ": the text to replace in " + e.file() + " occurs " + count
                        + " times, not once; Netty's sources changed: update the edit for this Netty version");
            }
            Files.writeString(file, text.substring(0, at) + e.put() + text.substring(at + e.find().length()),
                    StandardCharsets.UTF_8);
        }
    }

    private static List<Edit> parse(Path editsFile) throws IOException {
        List<String> lines = Files.readAllLines(editsFile, StandardCharsets.UTF_8);
        List<Edit> edits = new ArrayList<>();
        String file = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("@@ ")) {
                file = line.substring(3).trim();
            } else if (line.equals("<<<<")) {
                if (file == null) {
                    fail(editsFile + ":" + (i + 1) + ": an edit before any '@@ FILE' line");
                }
                int start = i + 1;
                int mid = indexOf(lines, "====", start, editsFile);
                int end = indexOf(lines, ">>>>", mid + 1, editsFile);
                if (mid == start) {
                    fail(editsFile + ":" + (i + 1) + ": an edit with no text to find");
                }
                edits.add(new Edit(file, join(lines, start, mid), join(lines, mid + 1, end), i + 1));
                i = end;
            } else if (!line.isBlank() && !line.startsWith("#")) {
                fail(editsFile + ":" + (i + 1) + ": expected '@@ FILE', '<<<<' or a # comment");
            }
        }
        return edits;
    }

    private static int indexOf(List<String> lines, String marker, int from, Path editsFile) {
        int at = lines.subList(from, lines.size()).indexOf(marker);
        if (at < 0) {
            fail(editsFile + ":" + from + ": no '" + marker + "' after this line");
        }
        return from + at;
    }

    private static String join(List<String> lines, int from, int to) {
        return lines.subList(from, to).stream().map(l -> l + "\n").reduce("", String::concat);
    }

    private static void fail(String message) {
        System.err.println("netty-patch: " + message);
        System.exit(1);
    }
}
