using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Transport;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;
using Serverless.Orchestrations.Lake;
using Serverless.Storage;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Which activity failures retrying cannot fix, by exception type (and the libraries' own IsTransient where one type
/// covers both): permission, credentials, read-only or misplaced targets, a full disk, bad input, schemas and formats the
/// code does not support. Anything not listed counts as transient and keeps its retries; a wrapper is judged by its cause.
/// </summary>
public static class FailureClassification
{
    public static bool IsPermanent(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure switch
        {
            OperationCanceledException => false,
            StorageAccessException or StorageFullException or UnauthorizedAccessException => true,
            StorageRequestException refused => !refused.IsTransient,
            MySqlException server => !server.IsTransient,
            LakeSchemaException or JobSpecException or UnsupportedColumnTypeException or DeltaSchemaException
                or UnsupportedTableFeatureException or CorruptCommitException or BinlogPurgedException or UnsupportedBinlogFeatureException => true,

            // Streaming: a lost replication privilege or GTID state, another capture that took the job over, a change log
            // whose partition count or bytes do not match, changes retention already trimmed: each names its fix, and the
            // next segment would meet it again. (A change of a table no writer has stays transient: that partition's
            // supervisor pauses and says so while the other partitions stream on.)
            CaptureSourceException or CaptureFencedException or ChangeLogConfigurationException or CorruptChangeLogException
                or SequenceTrimmedException => true,

            // A position method the reader does not implement, or a chunk that does not fit its table, fails the same way every time.
            NotSupportedException or ArgumentException => true,
            AggregateException many => many.InnerExceptions.Count > 0 && many.InnerExceptions.All(IsPermanent),
            _ => failure.InnerException is { } cause && IsPermanent(cause),
        };
    }
}
