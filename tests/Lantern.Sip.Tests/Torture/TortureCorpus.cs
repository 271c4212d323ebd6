namespace Lantern.Sip.Tests.Torture;

/// <summary>The torture messages' bytes, copied next to the test assembly from <c>Torture/Corpus</c>.</summary>
public static class TortureCorpus
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Torture", "Corpus");

    public static byte[] Bytes(TortureCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return File.ReadAllBytes(Path.Combine(Directory, c.Rfc, c.Name + ".sip"));
    }
}
