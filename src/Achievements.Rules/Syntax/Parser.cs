using System.Collections.Immutable;

namespace Achievements.Rules;

/// <summary>
/// Precedence-climbing parser. It never throws: a missing token is invented (and reported) so that
/// one parse reports every error, and nesting deeper than <see cref="RuleLimits.MaxNesting"/> stops
/// the parse with a diagnostic instead of overflowing the stack.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly DiagnosticBag _diagnostics;
    private int _position;
    private int _depth;
    private bool _abandoned;
    private int _lastErrorAt = -1;

    public Parser(string source, DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        _tokens = new Lexer(source, diagnostics).Lex();
    }

    private Token Current => Peek(0);

    /// <summary>Whether nesting went past the limit and the rest of the source was skipped.</summary>
    public bool Abandoned => _abandoned;

    public ExpressionSyntax ParseRule()
    {
        var expression = ParseExpression();
        if (Current.Kind != TokenKind.EndOfFile && CanReport(Current))
        {
            _diagnostics.UnexpectedAfterEnd(Current.Span, Current.Describe());
        }

        return expression;
    }

    private Token Peek(int offset) => _tokens[Math.Min(_position + offset, _tokens.Count - 1)];

    private Token Next()
    {
        var token = Current;
        if (_position < _tokens.Count - 1)
        {
            _position++;
        }

        return token;
    }

    private Token Match(TokenKind kind)
    {
        if (Current.Kind == kind)
        {
            return Next();
        }

        if (CanReport(Current))
        {
            _diagnostics.ExpectedToken(Current.Span, kind.Describe(), Current.Describe());
        }

        return new Token(kind, Current.Start, "", IsMissing: true);
    }

    /// <summary>
    /// One error per position: after the first, later complaints about the same token are
    /// consequences of it. After nesting gave up, everything else is a consequence too.
    /// </summary>
    private bool CanReport(Token at)
    {
        if (_abandoned || at.Start == _lastErrorAt)
        {
            return false;
        }

        _lastErrorAt = at.Start;
        return true;
    }

    private bool Enter()
    {
        // Always counted, so every Enter is paired with an Exit whatever it returns.
        if (++_depth > RuleLimits.MaxNesting && !_abandoned)
        {
            _diagnostics.NestingTooDeep(Current.Span);
            _abandoned = true;
            _position = _tokens.Count - 1;
        }

        return !_abandoned;
    }

    private void Exit() => _depth--;

    private ExpressionSyntax ParseExpression(int parentPrecedence = 0)
    {
        ExpressionSyntax left;
        var unaryPrecedence = Current.Kind.UnaryPrecedence();
        if (unaryPrecedence != 0 && unaryPrecedence >= parentPrecedence)
        {
            var op = Next();
            var operand = Enter() ? ParseExpression(unaryPrecedence) : Missing();
            Exit();
            left = new UnarySyntax(op, operand);
        }
        else
        {
            left = ParsePrimary();
        }

        while (true)
        {
            var precedence = Current.Kind.BinaryPrecedence();
            if (precedence == 0 || precedence <= parentPrecedence)
            {
                return left;
            }

            var op = Next();
            var right = ParseExpression(precedence);
            left = new BinarySyntax(left, op, right);
        }
    }

    private ExpressionSyntax ParsePrimary()
    {
        switch (Current.Kind)
        {
            case TokenKind.Number or TokenKind.String or TokenKind.Duration or TokenKind.TrueKeyword or TokenKind.FalseKeyword:
                return new LiteralSyntax(Next());
            case TokenKind.OpenParen:
                return ParseParenthesized();
            case TokenKind.OpenBracket:
                return ParseList();
            case TokenKind.Identifier when Peek(1).Kind == TokenKind.OpenParen:
                return ParseCall();
            case TokenKind.Identifier:
                return ParseName();
            default:
                if (CanReport(Current))
                {
                    _diagnostics.ExpectedExpression(Current.Span, Current.Describe());
                }

                return Missing();
        }
    }

    private NameSyntax Missing() => new([new Token(TokenKind.Identifier, Current.Start, "", IsMissing: true)]);

    private NameSyntax ParseName()
    {
        var parts = ImmutableArray.CreateBuilder<Token>();
        parts.Add(Next());
        while (Current.Kind == TokenKind.Dot)
        {
            Next();
            parts.Add(Match(TokenKind.Identifier));
        }

        return new NameSyntax(parts.ToImmutable());
    }

    private ParenthesizedSyntax ParseParenthesized()
    {
        var open = Next();
        var inner = Enter() ? ParseExpression() : Missing();
        Exit();
        return new ParenthesizedSyntax(open, inner, Match(TokenKind.CloseParen));
    }

    private ListSyntax ParseList()
    {
        var open = Next();
        var elements = Enter() ? ParseSeparated(TokenKind.CloseBracket, allowWhere: false) : [];
        Exit();
        return new ListSyntax(open, elements, Match(TokenKind.CloseBracket));
    }

    private CallSyntax ParseCall()
    {
        var name = Next();
        var open = Next();
        var arguments = Enter() ? ParseSeparated(TokenKind.CloseParen, allowWhere: true) : [];
        Exit();
        return new CallSyntax(name, open, arguments, Match(TokenKind.CloseParen));
    }

    private ImmutableArray<ExpressionSyntax> ParseSeparated(TokenKind close, bool allowWhere)
    {
        var items = ImmutableArray.CreateBuilder<ExpressionSyntax>();
        if (Current.Kind == close)
        {
            return items.ToImmutable();
        }

        while (true)
        {
            var item = ParseExpression();
            if (allowWhere && Current.Kind == TokenKind.WhereKeyword)
            {
                var where = Next();
                item = new WhereSyntax(item, where, ParseExpression());
            }

            items.Add(item);
            if (Current.Kind != TokenKind.Comma)
            {
                return items.ToImmutable();
            }

            Next();
        }
    }
}
