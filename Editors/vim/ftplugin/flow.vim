" Vim filetype plugin for Flow (.flow)
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=//\ %s
setlocal comments=s1:/*,mb:*,ex:*/,:///,://
setlocal formatoptions-=t formatoptions+=croql
setlocal shiftwidth=2 softtabstop=2 expandtab
setlocal suffixesadd=.flow
setlocal iskeyword=@,48-57,_,192-255
setlocal matchpairs=(:),{:},[:]

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< shiftwidth< softtabstop< expandtab< suffixesadd< iskeyword< matchpairs<'

let &cpo = s:cpo_save
unlet s:cpo_save
