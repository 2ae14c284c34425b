using Serverless.Cdc.Capture;
using Serverless.Cdc.Schema;
using Serverless.Delta.Merge;

namespace Serverless.Cdc.Writer;

/// <summary>One table as its partition writer tracks it: what the lake has, what is buffered, what is held back.</summary>
internal sealed class TableWriteState
{
    private ChangeColumns? buffer;
    private readonly List<DateTimeOffset> commitTimes = [];

    public TableWriteState(WriterTable table, WriterOptions options)
    {
        Options = options;
        Bind(table);
    }

    public WriterTable Table { get; private set; } = null!;

    public ChangeRowConverter Converter { get; private set; } = null!;

    public MergeWriter Merge { get; private set; } = null!;

    private WriterOptions Options { get; }

    /// <summary>The partition's last sequence this table's lake commits cover (its txn version), or null before its first.</summary>
    public long? Applied { get; set; }

    /// <summary>Whether the table's snapshot is committed, so its changes are applied.</summary>
    public bool Live { get; set; }

    /// <summary>
    /// The source position of the last DDL this writer applied to the table (null: none known). A row change below it
    /// arriving now is a copy capture published again after a crash: its original came before the DDL and is committed.
    /// </summary>
    public UInt128? DdlFloor { get; set; }

    /// <summary>
    /// The source position read just before the table's snapshot discovered its schema (<see cref="SnapshotDiscovery"/>;
    /// null: none recorded). Its row changes and DDL below it are older than every chunk and are skipped unconverted.
    /// </summary>
    public UInt128? SnapshotFloor { get; set; }

    /// <summary>The first sequence of this table's changes not applied and not buffered (held for the snapshot, or stopped).</summary>
    public long? HeldFrom { get; set; }

    /// <summary>Whether the table is held for a re-snapshot (not for its first snapshot).</summary>
    public bool Resnapshot { get; set; }

    /// <summary>Why the table stopped (its changes from <see cref="HeldFrom"/> on stay in the log), or null.</summary>
    public Exception? StoppedBy { get; private set; }

    public long? FirstBuffered { get; private set; }

    public long OldestBufferedAt { get; private set; }

    public long BufferedBytes { get; private set; }

    public int BufferedCount => buffer?.Count ?? 0;

    public ChangeColumns Buffered => buffer!;

    public IReadOnlyList<DateTimeOffset> BufferedCommitTimes => commitTimes;

    public long LastSnapshotCheck { get; set; } = long.MinValue;

    public void Bind(WriterTable table)
    {
        var mapping = table.Mapping;
        if (!mapping.Table.HasKey)
        {
            throw new ArgumentException(
                $"Table {mapping.Table.QualifiedName} has no primary key, unique NOT NULL key or key override, so its changes cannot be merged by key; add a key override for it in the job spec ('keys').",
                nameof(table));
        }

        Table = table;
        Converter = new ChangeRowConverter(mapping, table.Lake.Snapshot.Schema.Fields, table.TypeMapping);
        Merge = new MergeWriter(table.Lake, new MergeOptions(Converter.KeyColumns, CdcColumns.Position) { Mode = Options.Mode, KeepTombstones = false });
        var empty = Merge.NewBatch();
        if (buffer is { Count: > 0 } && !buffer.Fits(empty.Schema))
        {
            throw new InvalidOperationException($"Table {mapping.Table.QualifiedName} was bound to a lake table of other columns while {buffer.Count} changes were buffered; commit them first.");
        }

        buffer = buffer is { Count: > 0 } ? buffer : empty;
    }

    public void Add(ChangeEvent change, long sequence, long now)
    {
        if (BufferedCount == 0)
        {
            FirstBuffered = sequence;
            OldestBufferedAt = now;
        }

        Converter.Append(change, Table.Mapping.SoftDelete, buffer!);
        commitTimes.Add(change.CommitTime);
        BufferedBytes += SizeOf(change);
    }

    public void ClearBuffer()
    {
        buffer!.Clear();
        commitTimes.Clear();
        FirstBuffered = null;
        BufferedBytes = 0;
    }

    public void Stop(Exception error, long sequence)
    {
        StoppedBy = error;
        HeldFrom = sequence;
    }

    /// <summary>The change's size in memory, roughly: what the commit policy's byte bound counts.</summary>
    private static long SizeOf(ChangeEvent change)
    {
        long size = 96;
        var row = change.Row;
        for (var i = 0; i < row.Count; i++)
        {
            size += 24 + row[i].Bytes.Length;
        }

        return size;
    }
}
