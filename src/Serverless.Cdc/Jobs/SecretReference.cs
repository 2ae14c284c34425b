namespace Serverless.Cdc.Jobs;

/// <summary>
/// Where a secret comes from: an environment variable (<c>env:NAME</c>; on Azure an app setting, which can itself be a
/// Key Vault reference), a file (<c>file:PATH</c>, e.g. a mounted secret), or the text itself (<c>literal:TEXT</c>, or
/// any text without one of these prefixes). Resolved only when a connection is opened, never logged.
/// </summary>
public sealed record SecretReference
{
    private SecretReference(SecretKind kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    public static SecretReference None { get; } = new(SecretKind.Literal, string.Empty);

    public SecretKind Kind { get; }

    /// <summary>The variable name, the file path, or the literal text.</summary>
    public string Value { get; }

    public static SecretReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("env:", StringComparison.Ordinal))
        {
            return new SecretReference(SecretKind.Environment, text[4..]);
        }

        if (text.StartsWith("file:", StringComparison.Ordinal))
        {
            return new SecretReference(SecretKind.File, text[5..]);
        }

        return text.StartsWith("literal:", StringComparison.Ordinal)
            ? new SecretReference(SecretKind.Literal, text[8..])
            : new SecretReference(SecretKind.Literal, text);
    }

    /// <summary>The secret's text; <paramref name="path"/> names the JSON field in the error when it cannot be read.</summary>
    public string Resolve(string path = "$.source.password")
    {
        switch (Kind)
        {
            case SecretKind.Environment:
                return Environment.GetEnvironmentVariable(Value) ?? throw new JobSpecException([
                    new JobSpecError(path, $"environment variable '{Value}' is not set", $"set {Value} in the environment (an app setting on Azure) or change the reference"),
                ]);
            case SecretKind.File:
                try
                {
                    return File.ReadAllText(Value).TrimEnd('\r', '\n');
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new JobSpecException([
                        new JobSpecError(path, $"secret file '{Value}' cannot be read ({e.Message})", "check the path and that this process may read the file"),
                    ]);
                }

            default:
                return Value;
        }
    }

    /// <summary>Never the secret itself.</summary>
    public override string ToString() => Kind switch
    {
        SecretKind.Environment => "env:" + Value,
        SecretKind.File => "file:" + Value,
        _ => Value.Length == 0 ? "(none)" : "(literal)",
    };
}

public enum SecretKind
{
    Literal,
    Environment,
    File,
}
