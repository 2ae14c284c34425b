namespace Serverless.Cli;

/// <summary>The command ran and could not do its job; the message names what is wrong and the fix. Exits with <see cref="ExitCodes.Failure"/>.</summary>
public sealed class CommandFailedException : Exception
{
    public CommandFailedException()
    {
    }

    public CommandFailedException(string message)
        : base(message)
    {
    }

    public CommandFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
