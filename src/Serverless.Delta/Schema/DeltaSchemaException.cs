namespace Serverless.Delta.Schema;

/// <summary>A table schema that cannot be parsed, or a schema change the protocol does not allow.</summary>
public sealed class DeltaSchemaException : DeltaException
{
    public DeltaSchemaException(string message)
        : base(message)
    {
    }

    public DeltaSchemaException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
