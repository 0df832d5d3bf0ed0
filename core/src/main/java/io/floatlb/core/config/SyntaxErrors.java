package io.floatlb.core.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HOCON parser's complaints said in floatlb's words: what is wrong and what to write
 * instead. Anything not recognised keeps the parser's text, without its generic advice.
 */
final class SyntaxErrors {

    private record Rule(Pattern pattern, String ours) {}

    private static final List<Rule> RULES = List.of(
            // The parser's message for a '{' never closed before the end of the file.
            rule("expecting a close parentheses '\\)' here, not: end of file",
                    "the file ends inside an object: a '{' is never closed; add the missing '}'"),
            rule("expecting a close parentheses '\\)' here, not: (.*)",
                    "'(' has no meaning here (found $1 where ')' was due); objects are written { ... }"),
            rule("unbalanced close brace '}' with no open brace.*",
                    "a '}' closes nothing: remove it, or quote the value it belongs to"),
            rule("Expecting close brace } or a comma, got (.*?)(?: \\(if .*)?",
                    "an object is not closed where $1 stands: add '}' (or ',' between its fields)"),
            rule("Expecting end of input or a comma, got (.*?)(?: \\(if .*)?",
                    "$1 after the end of the top-level object: remove it"),
            rule("Key '(.*)' may not be followed by token: (.*?)(?: \\(if .*)?",
                    "after key '$1' comes $2, where '=', ':' or '{' belongs (a key with spaces needs double quotes)"),
            rule("Expecting a value but got wrong token: 'newline' \\(JSON does not allow unescaped newline.*",
                    "a quoted string is not closed before the end of the line: add the closing '\"'"),
            rule("Expecting a value but got wrong token: (.*?)(?: \\(if .*)?",
                    "a value is missing before $1"),
            rule("List should have ended with \\] or had a comma, instead had token: (.*?)(?: \\(if .*)?",
                    "a list is not closed where $1 stands: add ']' (or ',' between its items)"),
            rule("List should have \\] or a first element after the open \\[, instead had token: (.*?)(?: \\(if .*)?",
                    "a list is not closed where $1 stands: add ']'"),
            rule("Could not resolve substitution to a value: (.*)",
                    "$1 is not defined: a substitution names another key of this file or an environment variable"));

    private static final Pattern ADVICE = Pattern.compile(" \\((if you (intended|want)|JSON does not).*$");

    private SyntaxErrors() {}

    private static Rule rule(String regex, String ours) {
        return new Rule(Pattern.compile(regex), ours);
    }

    static String inOurWords(String parserMessage) {
        for (Rule r : RULES) {
            Matcher m = r.pattern().matcher(parserMessage);
            if (m.matches()) {
                String ours = r.ours();
                for (int g = 1; g <= m.groupCount(); g++) {
                    ours = ours.replace("$" + g, m.group(g));
                }
                return "syntax: " + ours;
            }
        }
        return "syntax: " + ADVICE.matcher(parserMessage).replaceFirst("");
    }
}
