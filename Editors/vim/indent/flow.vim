" Vim indent file
" Language: Flow (.flow)
"
" The layout of `flow fmt` (Language/tools.md), computed the same way:
" - one level per open bracket ( [ { , counted once per line; a line that
"   starts with a closing bracket goes back to the line that opened it;
" - continuation lines (starting with |> or another binary operator, . | then
"   else, or after a line that ends in an operator) get one more level;
" - after a line ending in = => : then else if match with, the next line
"   starts a nested expression one level in, and its |> lines one further;
" - then/else starting a line line up with an if that starts its line;
" - a comment line is indented like the code below it;
" - lines inside block comments and triple-quoted strings are left alone.
" Blank lines (a new line being typed) get the indent of a plain statement
" there; typing |> then else or a closing bracket re-indents the line.
" One level is 'shiftwidth' (2 in the Flow ftplugin, as flow fmt).

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetFlowIndent()
setlocal indentkeys=0{,0},0),0],!^F,o,O,e,0=\|>,0=then,0=else,0=.,0=?.
setlocal autoindent nolisp nosmartindent nocindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent< lisp< smartindent< cindent<'
      \ . ' | unlet! b:flow_indent_cache'

if exists('*GetFlowIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

let s:keywords = {}
for s:k in ['module', 'import', 'pub', 'type', 'fn', 'let', 'extern', 'if', 'then', 'else',
      \ 'match', 'with', 'true', 'false', 'null', 'as']
  let s:keywords[s:k] = 1
endfor
unlet s:k
let s:operators = {}
for s:p in ['|>', '=>', '->', '==', '!=', '<=', '>=', '&&', '||', '??', '+', '*', '/', '%',
      \ '=', '|', '.', '?.', ':', '!', '-']
  let s:operators[s:p] = 1
endfor
unlet s:p

" Tokens are [kind, text, flag]: kind w (name), k (keyword), n (number, time
" or string), p (punctuation). For p, flag is 1 when no blank precedes it,
" and 2 for the < and > of type arguments.

" [index after the comment, depth still open] for a block comment at depth.
function! s:SkipComment(line, i, depth) abort
  let i = a:i
  let depth = a:depth
  while depth > 0
    let j = match(a:line, '/\*\|\*/', i)
    if j < 0
      return [strlen(a:line), depth]
    endif
    let depth += a:line[j] ==# '/' ? 1 : -1
    let i = j + 2
  endwhile
  return [i, 0]
endfunction

" The index after a string whose text starts at i; -1 when a triple-quoted
" string goes on past the line. A plain string ends at the line's end.
function! s:SkipString(line, i, triple) abort
  let i = a:i
  let pat = a:triple ? '\\\|"""' : '[\\"]'
  while 1
    let j = match(a:line, pat, i)
    if j < 0
      return a:triple ? -1 : strlen(a:line)
    endif
    if a:line[j] ==# '"'
      return j + (a:triple ? 3 : 1)
    endif
    if a:line[j + 1] ==# '('
      let i = s:SkipInterpolation(a:line, j + 2)
      if i < 0
        return a:triple ? -1 : strlen(a:line)
      endif
    else
      let i = j + 2
    endif
  endwhile
endfunction

" The index after the ) that closes an interpolation; -1 when not on this line.
function! s:SkipInterpolation(line, i) abort
  let i = a:i
  let depth = 0
  while 1
    let j = match(a:line, '[()"]\|//\|/\*', i)
    if j < 0
      return -1
    endif
    let c = a:line[j]
    if c ==# '('
      let depth += 1
      let i = j + 1
    elseif c ==# ')'
      if depth == 0
        return j + 1
      endif
      let depth -= 1
      let i = j + 1
    elseif c ==# '"'
      let triple = strpart(a:line, j, 3) ==# '"""'
      let i = s:SkipString(a:line, j + (triple ? 3 : 1), triple)
      if i < 0
        return -1
      endif
    elseif a:line[j + 1] ==# '/'
      return -1
    else
      let [i, d] = s:SkipComment(a:line, j + 2, 1)
      if d > 0
        return -1
      endif
    endif
  endwhile
endfunction

" One token, longest alternatives first (Vim takes the first that matches).
let s:token = '\%(\h\w*\|0[xX]\w\+\|\d[0-9_]*\%(\.\d[0-9_]*\)\=\%([eE][-+]\=\d[0-9_]*\)\=\a*'
      \ . '\|@\d[0-9TZ:.+-]*\|//\|/\*\|"""\|[|=-]>\|[=!<>]=\|&&\|||\|??\|?\.\|\.\.\|\S\)'
let s:identstart = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'
let s:openers = {'(': 1, '[': 1, '{': 1}
let s:closers = {')': 1, ']': 1, '}': 1}
let s:operand_puncts = {')': 1, ']': 1, '}': 1, '?': 1}
let s:operator_keywords = {'then': 1, 'else': 1, 'with': 1, 'as': 1, 'if': 1, 'match': 1}
let s:opening_keywords = {'then': 1, 'else': 1, 'if': 1, 'match': 1, 'with': 1}
let s:opening_puncts = {'=': 1, '=>': 1, ':': 1}

" Appends the tokens of a line from index i to toks; returns the lexical
" state at its end: [block comment depth, inside a triple-quoted string].
function! s:ScanCode(line, i, toks) abort
  let i = a:i
  while 1
    let [w, s, i] = matchstrpos(a:line, s:token, i)
    if s < 0 || w ==# '//'
      return [0, 0]
    endif
    let c = w[0]
    if w ==# '/*'
      let [i, depth] = s:SkipComment(a:line, i, 1)
      if depth > 0
        return [depth, 0]
      endif
    elseif c ==# '"'
      call add(a:toks, ['n', '"', 0])
      let i = s:SkipString(a:line, i, w ==# '"""')
      if i < 0
        return [0, 1]
      endif
    elseif stridx(s:identstart, c) >= 0
      call add(a:toks, [has_key(s:keywords, w) ? 'k' : 'w', w, 0])
    elseif stridx('0123456789', c) >= 0 || (c ==# '@' && i - s > 1)
      call add(a:toks, ['n', w, 0])
    else
      call add(a:toks, ['p', w, s > 0 && stridx(" \t", a:line[s - 1]) < 0])
    endif
  endwhile
endfunction

function! s:EndsOperand(t) abort
  if a:t[0] ==# 'p'
    return has_key(s:operand_puncts, a:t[1]) || (a:t[1] ==# '>' && a:t[2] == 2)
  endif
  return a:t[0] !=# 'k' || a:t[1] ==# 'true' || a:t[1] ==# 'false' || a:t[1] ==# 'null'
endfunction

function! s:IsOperator(t) abort
  if a:t[0] ==# 'k'
    return has_key(s:operator_keywords, a:t[1])
  elseif a:t[0] !=# 'p'
    return 0
  elseif a:t[1] ==# '<' || a:t[1] ==# '>'
    return a:t[2] != 2
  endif
  return has_key(s:operators, a:t[1])
endfunction

function! s:StartsContinuation(t, prev) abort
  if a:t[0] ==# 'p'
    if a:t[1] ==# '-'
      return !empty(a:prev) && s:EndsOperand(a:prev)
    elseif a:t[1] ==# '!' || a:t[1] ==# ':'
      return 0
    endif
  elseif a:t[0] ==# 'k' && (a:t[1] ==# 'if' || a:t[1] ==# 'match')
    return 0
  endif
  return s:IsOperator(a:t)
endfunction

function! s:OpensExpression(t) abort
  return a:t[0] ==# 'k' ? has_key(s:opening_keywords, a:t[1])
        \ : a:t[0] ==# 'p' && has_key(s:opening_puncts, a:t[1])
endfunction

" The indent (in columns of 2, as flow fmt) of every line of `lines`, -1 for
" the lines inside block comments and triple-quoted strings.
function! FlowIndents(lines) abort
  let result = repeat([-1], len(a:lines))
  " Logical lines: a line that starts outside a comment or string, with the
  " tokens of the lines it runs on to (after a multi-line string or comment).
  let logical = []
  let kinds = []
  let depth = 0
  let triple = 0
  let cur = {}
  for p in range(len(a:lines))
    let line = a:lines[p]
    let i = 0
    if depth > 0
      let [i, depth] = s:SkipComment(line, 0, depth)
      call add(kinds, 'verbatim')
    elseif triple
      let i = s:SkipString(line, 0, 1)
      let triple = i < 0
      call add(kinds, 'verbatim')
    elseif line =~# '^\s*$'
      call add(kinds, 'blank')
      continue
    else
      let cur = {'p': p, 'toks': []}
      call add(logical, cur)
      call add(kinds, 'code')
    endif
    if depth == 0 && !triple && i >= 0
      let [depth, triple] = s:ScanCode(line, i, cur.toks)
    endif
  endfor

  " The layout, as Layout.indent in Sources/FlowFormat/Formatter.swift,
  " in one pass that also finds type arguments (a < right after a name, to
  " its matching >) and the if of each then and else.
  let levels = [[-1, 0, 0]]
  let indents = []
  let pending = []
  let prevcode = -1
  let prevlast = []
  let prevtok = []
  let angles = 0
  let ifs = []
  let p = 0
  for li in range(len(logical))
    let l = logical[li]
    " Blank lines before this one: the indent of a plain statement.
    while p < l.p
      if kinds[p] ==# 'blank'
        let level = levels[-1]
        let result[p] = level[0] != prevcode && !empty(prevlast) && s:IsOperator(prevlast) ? level[2] + 2 : level[1]
      endif
      let p += 1
    endwhile
    let p = l.p + 1
    if empty(l.toks)
      call add(pending, li)
      call add(indents, 0)
      continue
    endif
    let first = l.toks[0]
    let level = levels[-1]
    " A then or else that starts the line, and the if it belongs to.
    let anchor = -1
    if first[0] ==# 'k' && (first[1] ==# 'then' || first[1] ==# 'else')
      let want = first[1] ==# 'then' ? 'cond' : 'then'
      let s = len(ifs) - 1
      while s >= 0 && ifs[s][0] !=# '('
        if ifs[s][3] ==# want
          let [ifli, ifidx] = ifs[s][1:2]
          if ifidx == 0 || (ifidx == 1 && logical[ifli].toks[0][1] ==# 'else')
            let anchor = indents[ifli]
          endif
          break
        endif
        let s -= 1
      endwhile
    endif
    if first[0] ==# 'p' && has_key(s:closers, first[1]) && len(levels) > 1
      let indent = level[1] - 2
    elseif anchor >= 0
      let indent = anchor
      let levels[-1][2] = indent
    elseif level[0] == prevcode || empty(prevlast)
      let indent = level[1]
      let continues = s:StartsContinuation(first, prevlast)
            \ || (!empty(prevlast) && s:IsOperator(prevlast) && !s:OpensExpression(prevlast))
      let levels[-1][2] = continues ? indent - 2 : indent
    elseif s:OpensExpression(prevlast) && !s:StartsContinuation(first, prevlast)
      let indent = level[2] + 2
      let levels[-1][2] = indent
    elseif s:StartsContinuation(first, prevlast) || s:IsOperator(prevlast)
      let indent = level[2] + 2
    else
      let indent = level[1]
      let levels[-1][2] = indent
    endif
    call add(indents, indent)
    for c in pending
      let indents[c] = first[0] ==# 'p' && has_key(s:closers, first[1]) ? level[1] : indent
    endfor
    let pending = []
    let idx = 0
    for t in l.toks
      if t[0] ==# 'p'
        let x = t[1]
        if has_key(s:openers, x)
          call add(levels, [li, indent + 2, indent + 2])
          call add(ifs, ['('])
        elseif has_key(s:closers, x)
          if len(levels) > 1
            call remove(levels, -1)
          endif
          while !empty(ifs) && remove(ifs, -1)[0] !=# '('
          endwhile
        elseif x ==# '<' && (angles > 0 || (t[2] == 1 && get(prevtok, 0, '') ==# 'w'))
          let t[2] = 2
          let angles += 1
        elseif x ==# '>' && angles > 0
          let t[2] = 2
          let angles -= 1
        endif
      elseif t[0] ==# 'k'
        if t[1] ==# 'if'
          call add(ifs, ['if', li, idx, 'cond'])
        elseif t[1] ==# 'then' || t[1] ==# 'else'
          let want = t[1] ==# 'then' ? 'cond' : 'then'
          let s = len(ifs) - 1
          while s >= 0 && ifs[s][0] !=# '('
            if ifs[s][3] ==# want
              if want ==# 'cond'
                let ifs[s][3] = 'then'
              else
                call remove(ifs, s, -1)
              endif
              break
            endif
            let s -= 1
          endwhile
        endif
      endif
      let prevtok = t
      let idx += 1
    endfor
    let prevcode = li
    let prevlast = l.toks[-1]
  endfor
  for c in pending
    let indents[c] = levels[-1][1]
  endfor
  let level = levels[-1]
  while p < len(a:lines)
    if kinds[p] ==# 'blank'
      let result[p] = level[0] != prevcode && !empty(prevlast) && s:IsOperator(prevlast) ? level[2] + 2 : level[1]
    endif
    let p += 1
  endwhile
  for li in range(len(logical))
    let result[logical[li].p] = indents[li]
  endfor
  return result
endfunction

function! GetFlowIndent() abort
  " Indentation never changes the layout, so one computation serves a whole
  " `=` over many lines; any other change to the text starts it again.
  let stripped = map(getline(1, '$'), 'trim(v:val)')
  if !exists('b:flow_indent_cache') || b:flow_indent_cache.lines !=# stripped
    let b:flow_indent_cache = {'lines': stripped, 'indents': FlowIndents(getline(1, '$'))}
  endif
  let ind = get(b:flow_indent_cache.indents, v:lnum - 1, -1)
  return ind < 0 ? -1 : ind / 2 * shiftwidth()
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
