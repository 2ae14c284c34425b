namespace Serverless.Cdc.Verify;

/// <summary>A table cannot be verified as asked (no lake table yet, no key, a key type verify cannot order); the message names the table and the fix.</summary>
public sealed class VerificationException : Exception
{
    public VerificationException()
    {
    }

    public VerificationException(string message)
        : base(message)
    {
    }

    public VerificationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
