namespace Lantern.Sip.Tests.Torture;

/// <summary>Reads the corpus files copied next to the test assembly.</summary>
internal static class TortureCorpus
{
    public static byte[] Bytes(TortureCase c) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Torture", "Corpus", c.FileName));
}
