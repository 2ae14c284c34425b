namespace Serverless.Orchestrations.Lake;

/// <summary>The lake table's schema cannot take the source's: a column type changed in a way Delta cannot apply in place.</summary>
public sealed class LakeSchemaException : Exception
{
    public LakeSchemaException()
    {
    }

    public LakeSchemaException(string message)
        : base(message)
    {
    }

    public LakeSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
