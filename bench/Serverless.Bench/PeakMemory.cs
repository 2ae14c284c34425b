namespace Serverless.Bench;

/// <summary>Reads the kernel's peak resident set size of a process (VmHWM in /proc/PID/status), in bytes.</summary>
public static class PeakMemory
{
    public static long OfProcess(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        return 0;
    }

    public static long OfThisProcess() => OfProcess(Environment.ProcessId);
}
