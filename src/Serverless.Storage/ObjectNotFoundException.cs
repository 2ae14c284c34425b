namespace Serverless.Storage;

/// <summary>No object exists at the path.</summary>
public sealed class ObjectNotFoundException : FileNotFoundException
{
    public ObjectNotFoundException(string location, string path)
        : base($"No object at '{path}' in {location}.", path)
    {
        Location = location;
        ObjectPath = path;
    }

    public string Location { get; }

    public string ObjectPath { get; }
}
