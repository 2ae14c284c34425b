namespace Serverless.Cdc.Transport;

/// <summary>Another publisher (in this or another process) has the change log open; a log has one publisher at a time.</summary>
public sealed class ChangeLogInUseException : Exception
{
    public ChangeLogInUseException(string directory, IOException innerException)
        : base($"The change log in '{directory}' already has a publisher (this or another process holds its publisher.lock). " +
               "Stop the other capture first; a log takes one publisher at a time so that sequence numbers stay contiguous.", innerException)
    {
    }

    public ChangeLogInUseException()
    {
    }

    public ChangeLogInUseException(string message)
        : base(message)
    {
    }

    public ChangeLogInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
