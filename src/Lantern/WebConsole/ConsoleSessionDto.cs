namespace Lantern.WebConsole;

/// <summary>Who is logged in to the console, whether they may write, and the CSRF token their writes must send.</summary>
internal sealed record ConsoleSessionDto(string User, bool Write, string CsrfToken);
