namespace Serverless.Storage.State;

/// <summary>
/// Key rules shared by every state store, taken from Azure Table storage (the strictest backend): at most 1 KiB,
/// no '/', '\', '#', '?' and no control characters. JSON documents are capped at 32,000 characters, which fits one
/// Table string property (64 KiB of UTF-16).
/// </summary>
internal static class StateKeys
{
    public const int MaxJsonLength = StateEntity.MaxJsonLength;

    public static void Validate(string partitionKey, string rowKey, string location)
    {
        ValidateKey(partitionKey, "partition key", location, nameof(partitionKey));
        ValidateKey(rowKey, "row key", location, nameof(rowKey));
    }

    public static void ValidateKey(string key, string what, string location, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        if (key.Length is 0 or > 512)
        {
            throw new ArgumentException($"The {what} '{key}' for {location} must be 1 to 512 characters long.", parameterName);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException(
                    $"The {what} '{key}' for {location} contains '{(char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString())}', which keys may not contain (/ \\ # ? and control characters); replace it, e.g. with '|'.",
                    parameterName);
            }
        }
    }

    public static void ValidateJson(string json, string partitionKey, string rowKey, string location)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxJsonLength)
        {
            throw new ArgumentException(
                $"The state entity ({partitionKey}, {rowKey}) for {location} is {json.Length} characters; the limit is {MaxJsonLength}. Keep large data in the object store and store its path here.",
                nameof(json));
        }
    }
}
