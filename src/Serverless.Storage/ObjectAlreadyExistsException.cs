namespace Serverless.Storage;

/// <summary>A conditional create lost: an object already exists at the path.</summary>
public sealed class ObjectAlreadyExistsException : IOException
{
    public ObjectAlreadyExistsException(string location, string path)
        : base($"An object already exists at '{path}' in {location}; another writer created it first.")
    {
        Location = location;
        ObjectPath = path;
    }

    public string Location { get; }

    public string ObjectPath { get; }
}
