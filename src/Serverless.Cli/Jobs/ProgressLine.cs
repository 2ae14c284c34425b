namespace Serverless.Cli.Jobs;

/// <summary>One line of a progress frame; <see cref="Done"/> marks a finished table's line.</summary>
internal sealed record ProgressLine(string Text, bool Done);
