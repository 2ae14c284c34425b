namespace Serverless.Testing;

/// <summary>Locates the checkout root (the folder holding Serverless.sln) and shared/ beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string Scripts => Path.Combine(Root, "scripts");

    public static string Tools => Path.Combine(Root, "tools");

    /// <summary>The shared folder that sits beside the checkout (../shared), holding fixtures.</summary>
    public static string Shared
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("SERVERLESS_SHARED_DIR");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return fromEnv;
            }

            var beside = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            if (!Directory.Exists(beside))
            {
                throw new DirectoryNotFoundException(
                    $"The shared folder was not found at {beside}. Clone the project with shared/ beside it, or set SERVERLESS_SHARED_DIR.");
            }

            return beside;
        }
    }

    public static string DeltaFixtures => Path.Combine(Shared, "fixtures", "delta");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException(
            $"Serverless.sln was not found above {AppContext.BaseDirectory}; run tests from inside the checkout.");
    }
}
