namespace Serverless.Delta.Merge;

/// <summary>How a merge retires the live rows it supersedes.</summary>
public enum MergeMode
{
    /// <summary>New row versions go to a new file; superseded rows are marked in deletion vectors (needs the deletionVectors feature).</summary>
    MergeOnRead,

    /// <summary>Every file holding a superseded row is rewritten without it (works on reader 1 / writer 2 tables).</summary>
    CopyOnWrite,
}
