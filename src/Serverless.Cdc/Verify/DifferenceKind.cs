namespace Serverless.Cdc.Verify;

public enum DifferenceKind
{
    /// <summary>In the source, not in the lake.</summary>
    Missing,

    /// <summary>In the lake, not in the source.</summary>
    Extra,

    /// <summary>In both, with different values.</summary>
    Different,

    /// <summary>A key the lake holds more than once (live rows); the copies beyond the first.</summary>
    Duplicate,
}
