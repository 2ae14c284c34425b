namespace Serverless.MySql.Replication;

/// <summary>
/// After a reconnect the endpoint answered as another server (a virtual IP or DNS name moved to a new primary): its
/// binlog files are its own, so the stream cannot go on by file position. Resume by GTID on the new server.
/// </summary>
public sealed class ReplicationSourceChangedException : Exception
{
    public ReplicationSourceChangedException()
    {
    }

    public ReplicationSourceChangedException(string message)
        : base(message)
    {
    }

    public ReplicationSourceChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ReplicationSourceChangedException(string endpoint, long previousServerId, long serverId)
        : base($"{endpoint} was server {previousServerId} and is now server {serverId} (a failover behind the same address); " +
               "binlog file positions of one server mean nothing on another, so the stream stops. Resume by GTID on the new server.")
    {
        PreviousServerId = previousServerId;
        ServerId = serverId;
    }

    public long PreviousServerId { get; }

    public long ServerId { get; }
}
