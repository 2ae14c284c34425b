namespace Serverless.Cli;

/// <summary>Where a command writes: data to <see cref="Out"/> (kept machine-readable), messages to <see cref="Error"/>.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error);
