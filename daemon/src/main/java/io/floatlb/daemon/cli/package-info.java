/**
 * The floatlb commands (picocli): options, exit codes, one-line errors.
 */
package io.floatlb.daemon.cli;
