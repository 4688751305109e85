" Vim syntax file
" Language:  Flow, the typed dataflow language (.flow)
" Lexical rules: Sources/FlowSyntax/Lexer.swift in the Flow repository.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syntax case match
" Strings and block comments span lines; Flow scripts are small.
syntax sync fromstart

" Everything that may appear in code, also inside a string interpolation.
syntax cluster flowCode contains=flowConditional,flowKeyword,flowStorage,flowModifier,flowBoolean,flowNull,
      \flowType,flowTypeDecl,flowFunctionDecl,flowFunctionCall,flowParameter,flowNamespace,
      \flowNumber,flowHex,flowFloat,flowTupleIndex,flowDuration,flowTime,
      \flowOperator,flowPipe,flowString,flowTripleString,flowLineComment,flowBlockComment

" ---------------------------------------------------------------- keywords
syntax keyword flowConditional if then else match
syntax keyword flowKeyword     module import with as
syntax keyword flowStorage     type fn let
syntax keyword flowModifier    pub extern
syntax keyword flowBoolean     true false
syntax keyword flowNull        null

" ---------------------------------------------------------------- names
" Later definitions win when two items match at the same column.
syntax match flowType         "\<\u\w*\>"
syntax match flowFunctionCall "\<[a-z_]\w*\ze("
syntax match flowParameter    "\<[a-z_]\w*\ze\s*=>"
syntax match flowFunctionDecl "\%(\<fn\s\+\)\@<=\h\w*"
syntax match flowTypeDecl     "\%(\<type\s\+\)\@<=\h\w*"
syntax match flowNamespace    "\%(\<\%(module\|import\)\s\+\)\@<=\h\w*\%(\.\h\w*\)*"

" ---------------------------------------------------------------- operators
syntax match flowOperator "=>\|->\|==\|!=\|<=\|>=\|&&\|||\|??\|?\.\|\.\.\|[-+*/%<>=!|?]"
syntax match flowPipe     "|>"

" ---------------------------------------------------------------- numbers
syntax match flowNumber     "\<\d[0-9_]*\>"
syntax match flowHex        "\<0[xX][0-9A-Fa-f_]\+\>"
syntax match flowFloat      "\<\d[0-9_]*\%(\.\d[0-9_]*\%([eE][-+]\=\d[0-9_]*\)\=\|[eE][-+]\=\d[0-9_]*\)\>"
" A tuple index after a dot (t.0.1) is an integer, never a float.
syntax match flowTupleIndex "\%([A-Za-z0-9_)\]?]\.\)\@2<=\d\+"
" 500ms 10s 5m 1h 1d
syntax match flowDuration   "\<\d[0-9_]*\%(ms\|s\|m\|h\|d\)\>"
" @2024-01-01  @2024-01-01T00:00:00Z  @2024-01-01T10:00:00.250+02:00
syntax match flowTime       "@\d[0-9TZ:.+-]*"

" ---------------------------------------------------------------- strings
syntax match  flowEscape      contained "\\\%([ntr0\\\"']\|u{\x\{1,8}}\)"
syntax match  flowEscapeError contained "\\[^ntr0\\\"'u(]"
" \( expression ): Flow code up to the matching parenthesis, on one line.
syntax region flowInterpolation contained oneline matchgroup=flowInterpolationDelim start="\\(" end=")" contains=@flowCode,flowInterpolationParens
syntax region flowInterpolationParens contained transparent oneline start="(" end=")" contains=@flowCode,flowInterpolationParens
syntax region flowString       start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=flowEscape,flowEscapeError,flowInterpolation,@Spell
syntax region flowTripleString start=+"""+ end=+"""+ contains=flowEscape,flowEscapeError,flowInterpolation,@Spell

" ---------------------------------------------------------------- comments
syntax keyword flowTodo contained TODO FIXME XXX NOTE
syntax match  flowLineComment  "//.*$" contains=flowTodo,@Spell
" Block comments nest: the region contains itself.
syntax region flowBlockComment start="/\*" end="\*/" contains=flowBlockComment,flowTodo,@Spell extend fold

" ---------------------------------------------------------------- links
highlight default link flowConditional        Conditional
highlight default link flowKeyword            Keyword
highlight default link flowStorage            StorageClass
highlight default link flowModifier           StorageClass
highlight default link flowBoolean            Boolean
highlight default link flowNull               Constant
highlight default link flowType               Type
highlight default link flowTypeDecl           Typedef
highlight default link flowFunctionDecl       Function
highlight default link flowFunctionCall       Function
highlight default link flowParameter          Identifier
highlight default link flowNamespace          Include
highlight default link flowOperator           Operator
highlight default link flowPipe               Special
highlight default link flowNumber             Number
highlight default link flowHex                Number
highlight default link flowFloat              Float
highlight default link flowTupleIndex         Number
highlight default link flowDuration           Number
highlight default link flowTime               Special
highlight default link flowString             String
highlight default link flowTripleString       String
highlight default link flowEscape             SpecialChar
highlight default link flowEscapeError        Error
highlight default link flowInterpolationDelim Delimiter
highlight default link flowLineComment        Comment
highlight default link flowBlockComment       Comment
highlight default link flowTodo               Todo

let b:current_syntax = 'flow'

let &cpo = s:cpo_save
unlet s:cpo_save
