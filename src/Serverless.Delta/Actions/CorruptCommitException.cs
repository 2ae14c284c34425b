namespace Serverless.Delta.Actions;

/// <summary>A commit file line that is not a valid action; names the file and the 1-based line.</summary>
public sealed class CorruptCommitException : DeltaException
{
    public CorruptCommitException(string source, int lineNumber, string detail, Exception? inner = null)
        : base($"{source}, line {lineNumber}: {detail}. The commit file is corrupt; restore it from a backup or, if it was never acknowledged, remove it together with every later commit file.", inner ?? new FormatException(detail))
    {
        Source = source;
        LineNumber = lineNumber;
    }

    /// <summary>The file that holds the bad line, e.g. "_delta_log/00000000000000000007.json".</summary>
    public new string Source { get; }

    public int LineNumber { get; }
}
