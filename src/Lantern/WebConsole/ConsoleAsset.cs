namespace Lantern.WebConsole;

/// <summary>One file of the console, read once from the assembly.</summary>
internal sealed record ConsoleAsset(string Name, byte[] Content, string ContentType, string ETag);
