using System.Buffers;
using System.Security.Cryptography;

namespace Miraie.SafeMail.Core.Protection;

/// <summary>
/// Makes passwords for password-protected ZIPs, which recipients often read off a separate mail and type by
/// hand. So the alphabet is ASCII only (7-Zip and Windows derive different keys from non-ASCII passwords) and has
/// no characters that look alike in common fonts:
/// <list type="bullet">
/// <item>upper case <c>ABCDEFGHJKLMNPQRSTUVWXYZ</c> (no I, O);</item>
/// <item>lower case <c>abcdefghjkmnpqrstuvwxyz</c> (no i, l, o);</item>
/// <item>digits <c>23456789</c> (no 0, 1).</item>
/// </list>
/// No symbols: Japanese input methods turn them full-width, mail clients wrap or link-ify around them, and their
/// names are hard to say on the phone. The 55 characters give 5.78 bits each, about 92 bits at the default 16.
/// Every password has at least one upper-case letter, one lower-case letter and one digit, as many password
/// rules demand. Characters come from <see cref="RandomNumberGenerator"/>, and passwords missing a class are
/// drawn again (rejection sampling), so every valid password is equally likely — placing one character of
/// each class first and shuffling would not be.
/// </summary>
public static class PasswordGenerator
{
    /// <summary>Length used when none is given.</summary>
    public const int DefaultLength = 16;

    /// <summary>Shortest length allowed: below 8 characters (about 46 bits) a ZIP password is guessable offline.</summary>
    public const int MinimumLength = 8;

    /// <summary>Longest length allowed; far beyond any need, it only stops absurd requests.</summary>
    public const int MaximumLength = 256;

    /// <summary>Upper-case letters used: A–Z without I and O.</summary>
    public const string Uppercase = "ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>Lower-case letters used: a–z without i, l and o.</summary>
    public const string Lowercase = "abcdefghjkmnpqrstuvwxyz";

    /// <summary>Digits used: 2–9 (0 and 1 look like O and l).</summary>
    public const string Digits = "23456789";

    /// <summary>All characters a password may contain.</summary>
    public const string Alphabet = Uppercase + Lowercase + Digits;

    private static readonly SearchValues<char> UppercaseValues = SearchValues.Create(Uppercase);
    private static readonly SearchValues<char> LowercaseValues = SearchValues.Create(Lowercase);
    private static readonly SearchValues<char> DigitValues = SearchValues.Create(Digits);

    /// <summary>
    /// A new random password of <paramref name="length"/> characters from <see cref="Alphabet"/>, with at least
    /// one upper-case letter, one lower-case letter and one digit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Length outside <see cref="MinimumLength"/>..<see cref="MaximumLength"/>.</exception>
    public static string Generate(int length = DefaultLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, MinimumLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaximumLength);

        Span<char> password = stackalloc char[length];
        try
        {
            do
            {
                // GetItems draws each character uniformly (it uses GetInt32, which rejects biased values).
                RandomNumberGenerator.GetItems(Alphabet, password);
            }
            while (!HasEveryClass(password));

            return new string(password);
        }
        finally
        {
            password.Clear();
        }
    }

    /// <summary>True when <paramref name="password"/> has an upper-case letter, a lower-case letter and a digit.</summary>
    internal static bool HasEveryClass(ReadOnlySpan<char> password) =>
        password.ContainsAny(UppercaseValues) && password.ContainsAny(LowercaseValues) && password.ContainsAny(DigitValues);
}
