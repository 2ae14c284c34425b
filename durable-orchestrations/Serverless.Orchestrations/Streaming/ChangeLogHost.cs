using Serverless.Cdc.Transport.Embedded;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The job's embedded change log in <c>{state folder}/changelog</c>, opened once per process on first use. A new log gets
/// a writer retention hold at sequence 0 on every partition, so nothing capture publishes during the snapshot (before
/// any writer has opened) can be trimmed; writers move the hold as they commit.
/// </summary>
public sealed class ChangeLogHost
{
    /// <summary>Changes older than this are trimmed once no writer needs them (whole segments, oldest first).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly Lazy<EmbeddedChangeLog> log;

    public ChangeLogHost(string folder, int partitions, LogDurability durability = LogDurability.FlushToDisk)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        Folder = folder;
        Partitions = partitions;
        log = new Lazy<EmbeddedChangeLog>(() => Open(durability));
    }

    public string Folder { get; }

    public int Partitions { get; }

    public EmbeddedChangeLog Log => log.Value;

    /// <summary>The change-log folder inside a state folder.</summary>
    public static string FolderIn(string stateFolder) => Path.Combine(stateFolder, "changelog");

    private EmbeddedChangeLog Open(LogDurability durability)
    {
        var isNew = !File.Exists(Path.Combine(Folder, "changelog.json"));
        var opened = EmbeddedChangeLog.OpenOrCreate(Folder, Partitions, new EmbeddedChangeLogOptions
        {
            Durability = durability,
            Retention = new RetentionPolicy { MaxAge = Retention },
        });
        if (isNew)
        {
            for (var p = 0; p < Partitions; p++)
            {
                opened.SetRetentionHoldAsync(new Cdc.Writer.WriterOptions().ConsumerName, p, 0).AsTask().GetAwaiter().GetResult();
            }
        }

        return opened;
    }
}
