namespace Serverless.Delta;

/// <summary>Base of every error this library raises about a Delta table; messages name the table part at fault and the fix.</summary>
public class DeltaException : Exception
{
    public DeltaException()
    {
    }

    public DeltaException(string message)
        : base(message)
    {
    }

    public DeltaException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
