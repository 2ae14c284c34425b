using System.Reflection;
using Serverless.Testing;

namespace Serverless.Infra.Tests;

/// <summary>
/// The native bicep compiler from the Azure.Bicep.CommandLine.linux-x64 package that this project restores; the
/// package folder is recorded in the test assembly's metadata at build time.
/// </summary>
internal static class BicepCli
{
    private static readonly Lazy<string> LazyPath = new(Locate);

    public static string Path => LazyPath.Value;

    /// <summary>Runs bicep with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static Task<ProcessRunner.Result> RunAsync(string workingDirectory, params string[] arguments) =>
        // Generous: four runs of a 120 MB single-file binary on a shared 2-core machine. A hang guard, not a budget.
        ProcessRunner.RunAsync(Path, arguments, workingDirectory, timeout: TimeSpan.FromMinutes(10));

    private static string Locate()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            throw new PlatformNotSupportedException(
                "The infra tests run the bicep binary of Azure.Bicep.CommandLine.linux-x64, which needs Linux on x64; run them there (CI does).");
        }

        var folder = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPackageFolder")?.Value;
        if (string.IsNullOrEmpty(folder))
        {
            throw new InvalidOperationException(
                "The test assembly does not record the Azure.Bicep.CommandLine.linux-x64 package folder; restore and build tests/Serverless.Infra.Tests with dotnet (it sets BicepPackageFolder from the package's path property).");
        }

        var path = System.IO.Path.Combine(folder, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The bicep binary is not at {path}; the package layout changed or the restore is incomplete. Run 'dotnet restore tests/Serverless.Infra.Tests --force-evaluate'.", path);
        }

        // NuGet extracts files without their execute bit on some systems.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }
}
