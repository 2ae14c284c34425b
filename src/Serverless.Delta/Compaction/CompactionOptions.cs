namespace Serverless.Delta.Compaction;

/// <summary>
/// What the compactor rewrites and how it keeps the log. Defaults follow the peers named per option: bins toward
/// <see cref="TargetFileSize"/> like delta-rs and Spark OPTIMIZE, small-file and minimum-input rules like Iceberg's
/// rewrite_data_files, the deleted-rows ratio like Spark's optimize.maxDeletedRowsRatio.
/// </summary>
public sealed record CompactionOptions
{
    public static CompactionOptions Default { get; } = new();

    /// <summary>Size a bin of small files is packed toward (sum of input sizes); delta-rs' OPTIMIZE target is 100 MB, Iceberg's 512 MB.</summary>
    public long TargetFileSize { get; init; } = 128L * 1024 * 1024;

    /// <summary>Files smaller than this are candidates for bin-packing (null: 75% of <see cref="TargetFileSize"/>, Iceberg's min-file-size default).</summary>
    public long? SmallFileThreshold { get; init; }

    /// <summary>
    /// A bin of small files is rewritten only when it holds at least this many files (Iceberg's min-input-files), so a
    /// table that keeps a few small files is not rewritten on every run; bins holding a DV-heavy file are always rewritten.
    /// </summary>
    public int MinInputFiles { get; init; } = 5;

    /// <summary>A file whose deleted rows (its deletion vector's cardinality over numRecords) reach this ratio is rewritten without them (Spark: 0.05).</summary>
    public double DeletedRowRatioThreshold { get; init; } = 0.05;

    /// <summary>Input bytes rewritten per commit: a run over a large backlog commits in steps, so a conflict costs at most one step.</summary>
    public long MaxBytesPerCommit { get; init; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Typed conflicts with writers one commit tolerates (each stages again on the new snapshot), and re-plans one run
    /// tolerates (after bins were abandoned because writers rewrote their inputs), before the rest waits for the next run.
    /// </summary>
    public int MaxConflictRetries { get; init; } = 10;

    /// <summary>
    /// Write a checkpoint when the newest one is this many versions behind (null: the table's delta.checkpointInterval,
    /// else 10, Delta's default). Writers can then run with checkpoints off, keeping them off the write path.
    /// </summary>
    public int? CheckpointInterval { get; init; }

    /// <summary>Clean expired log files after compacting (PROTOCOL.md metadata cleanup; off when the table sets delta.enableExpiredLogCleanup=false).</summary>
    public bool CleanUpLog { get; init; } = true;

    /// <summary>How long log history is kept (null: the table's delta.logRetentionDuration, else 30 days).</summary>
    public TimeSpan? LogRetention { get; init; }

    /// <summary>The effective small-file threshold.</summary>
    public long SmallFileBytes => SmallFileThreshold ?? TargetFileSize / 4 * 3;

    /// <summary>Throws naming the option and a valid range when a value cannot work.</summary>
    public void Validate()
    {
        if (TargetFileSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TargetFileSize), TargetFileSize, "CompactionOptions.TargetFileSize must be positive (bytes), e.g. 128 MiB.");
        }

        if (SmallFileThreshold is <= 0 || SmallFileThreshold > TargetFileSize)
        {
            throw new ArgumentOutOfRangeException(nameof(SmallFileThreshold), SmallFileThreshold, "CompactionOptions.SmallFileThreshold must be positive and at most TargetFileSize.");
        }

        if (MinInputFiles < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MinInputFiles), MinInputFiles, "CompactionOptions.MinInputFiles must be at least 2 (one small file rewritten alone stays one small file).");
        }

        if (DeletedRowRatioThreshold is <= 0 or > 1 || double.IsNaN(DeletedRowRatioThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(DeletedRowRatioThreshold), DeletedRowRatioThreshold, "CompactionOptions.DeletedRowRatioThreshold must be in (0, 1].");
        }

        if (MaxBytesPerCommit <= 0 || MaxConflictRetries < 0 || CheckpointInterval is < 0 || LogRetention < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBytesPerCommit), "CompactionOptions: MaxBytesPerCommit must be positive, MaxConflictRetries, CheckpointInterval and LogRetention not negative.");
        }
    }
}
