"""Version 1 of the Amanah consent and limits-of-confidentiality document.

Shown to a student (konseli) before their first counseling session in the school's
counseling office (ruang BK). The Indonesian text is the primary version; the English
text is a faithful translation. Bodies are Markdown without raw HTML, links or images.
"""

TITLE_ID = "Persetujuan Konseling dan Batas Kerahasiaan"

BODY_ID = """\
Halo! Sebelum sesi konseling pertamamu, baca dulu penjelasan ini pelan-pelan. \
Di sini ada apa itu konseling, apa yang dijaga rahasia, kapan rahasia itu ada batasnya, \
dan apa saja hakmu.

## Apa itu konseling?

Konseling adalah waktu khusus untuk ngobrol dengan guru BK (konselor). Dalam konseling, \
kamu disebut konseli. Konselor tidak menyelesaikan masalahmu untukmu, tetapi membantumu \
memahami masalahmu dan menemukan jalan keluarmu sendiri.

- Kalian bertemu pada waktu yang disepakati berdua. Kamu bisa memesan jadwal dari HP-mu.
- Konseling itu sukarela. Tidak ada yang boleh memaksamu.
- Kamu yang menentukan apa yang ingin kamu bicarakan.
- Konselor menghargaimu dan tidak akan menghakimi atau membeda-bedakan kamu karena suku, \
agama, status, atau hal lainnya.

## Apa yang dijaga rahasia?

Guru BK memegang asas kerahasiaan. Artinya:

- Semua yang kamu ceritakan, tulis, atau yang dicatat dalam sesi dijaga rahasia.
- Catatan sesi disimpan dalam bentuk terenkripsi (dikunci dengan kode khusus).
- Admin sekolah tidak bisa membaca isi catatanmu.
- Guru lain dan orang tuamu tidak diberi tahu tanpa izinmu.

## Batas kerahasiaan

Ada batas kerahasiaan. Konselor hanya boleh membuka informasi tentangmu dalam empat \
keadaan ini, dan tidak ada yang lain:

1. Kamu dalam bahaya, misalnya kamu mungkin menyakiti dirimu sendiri atau ada orang yang \
menyakitimu.
2. Orang lain dalam bahaya karena kamu.
3. Hukum mewajibkan konselor untuk melapor.
4. Kamu sendiri memberi izin tertulis.

Kalau itu terjadi:

- Konselor akan memberi tahu kamu lebih dulu, selama hal itu aman dilakukan.
- Konselor hanya menyampaikan hal yang benar-benar perlu.
- Informasi hanya diberikan kepada orang yang perlu tahu, misalnya orang tua atau wali, \
kepala sekolah, tenaga kesehatan, atau polisi.
- Setiap pembukaan informasi dicatat, dan kamu bisa melihat di halamanmu bahwa hal itu \
terjadi.

## Hak-hakmu

- Kamu boleh berhenti konseling kapan saja lewat tombol "Akhiri konseling" di dasbormu. \
Kamu tidak perlu memberi alasan, dan tidak ada hukuman apa pun.
- Konselor juga boleh mengakhiri konseling kalau konseling tidak lagi membantumu. Kalau \
begitu, konselor akan menyarankan bantuan lain. Ini disebut alih tangan kasus (rujukan).
- Kamu boleh menarik kembali persetujuan ini.

## Siapa yang bisa melihat apa?

- Guru BK yang menanganimu membaca catatanmu.
- Konselor lain hanya boleh membacanya kalau kasusmu dialihtangankan kepadanya, atau dalam \
keadaan darurat. Akses darurat itu singkat, dicatat, dan diperiksa kembali.
- Admin hanya melihat siapa membuka apa dan kapan, tetapi tidak pernah melihat isinya.
- Di halaman "Siapa yang membuka catatanku", kamu bisa melihat siapa yang membuka catatanmu, \
kapan, dan untuk alasan apa.

## Berapa lama catatan disimpan?

Catatan konseling disimpan selama kamu masih menjadi siswa di sekolah ini, ditambah \
{retention_years} tahun setelah kamu meninggalkan sekolah (lulus, pindah, atau keluar). \
Selama disimpan, catatan tetap terenkripsi dengan kunci yang hanya untuk catatanmu. Setelah \
itu, kunci itu dimusnahkan dan catatan dihapus, sehingga salinan cadangan pun tidak bisa \
dibaca lagi. Sebulan sebelumnya, kamu diberi kesempatan meminta salinan catatanmu. \
Penghapusan hanya ditunda kalau catatan diperlukan untuk perkara di polisi atau pengadilan.

## Persetujuanmu

Dengan mencentang kotak dan mengetik nama lengkapmu, kamu menyatakan bahwa kamu sudah \
membaca dan memahami penjelasan ini. Kalau ada yang belum jelas, tanyakan dulu kepada \
konselormu sebelum kamu setuju.

Kalau kamu belum mau setuju sekarang, tidak apa-apa. Kamu tetap bisa melihat-lihat dan \
memesan jadwal, tetapi sesi konseling baru bisa dimulai setelah kamu setuju.
"""

TITLE_EN = "Consent to Counseling and Limits of Confidentiality"

BODY_EN = """\
Hello! Before your first counseling session, please read this slowly. It explains what \
counseling is, what is kept confidential, when confidentiality has limits, and what your \
rights are.

## What is counseling?

Counseling is special time to talk with a guidance counselor (guru BK). In counseling, you \
are called the counselee (konseli). The counselor does not solve your problems for you, but \
helps you understand your problems and find your own way forward.

- You meet at a time you both agree on. You can book a time from your phone.
- Counseling is voluntary. Nobody is allowed to force you.
- You decide what you want to talk about.
- The counselor respects you and will not judge you or treat you differently because of \
your ethnic group, religion, status, or anything else.

## What is kept confidential?

Guidance counselors follow the principle of confidentiality (asas kerahasiaan). This means:

- Everything you say, write, or that is recorded in sessions is kept confidential.
- Session notes are stored encrypted (locked with a special code).
- The school admin cannot read what is in your notes.
- Other teachers and your parents are not told without your permission.

## Limits of confidentiality

Confidentiality has limits (batas kerahasiaan). The counselor may share information about \
you only in these four situations, and no others:

1. You are in danger, for example you might hurt yourself or someone is hurting you.
2. Someone else is in danger because of you.
3. The law requires the counselor to report.
4. You give your own written permission.

If this happens:

- The counselor will tell you first, whenever it is safe to do so.
- The counselor shares only what is really necessary.
- Information is given only to the people who need to know, for example your parents or \
guardian, the principal, a health worker, or the police.
- Every disclosure is recorded, and you will be able to see on your page that it happened.

## Your rights

- You may stop counseling at any time with the "End counseling" (Akhiri konseling) button \
on your dashboard. You do not have to give a reason, and there is no punishment of any kind.
- The counselor may also end counseling if it is no longer helping you. If so, the \
counselor will suggest other help. This is called referral (alih tangan kasus).
- You may withdraw this consent.

## Who can see what?

- The guidance counselor who works with you reads your notes.
- Another counselor may read them only if your case is referred to them, or in an \
emergency. Emergency access is short, recorded, and reviewed afterwards.
- The admin sees only who opened what and when, but never the content.
- On the page "Who opened my notes" (Siapa yang membuka catatanku), you can see who opened \
your notes, when, and why.

## How long are notes kept?

Counseling notes are kept while you are a student at this school, plus \
{retention_years} years after you leave the school (graduate, move or leave). While they \
are kept, they stay encrypted with a key that is only for your notes. After that, the key is \
destroyed and the notes are deleted, so not even a backup copy can be read again. A month \
before, you are offered a copy of your notes. Erasure is postponed only if the notes are \
needed for a case before the police or a court.

## Your agreement

By ticking the box and typing your full name, you say that you have read and understood \
this explanation. If anything is unclear, ask your counselor before you agree.

If you do not want to agree yet, that is okay. You can still look around and book a time, \
but a counseling session can only start after you agree.
"""

# Version 2 adds a section on online counseling (konseling daring), before "Persetujuanmu".
ONLINE_ID = """\
## Konseling daring (pesan)

Kamu juga bisa menulis pesan kepada guru BK-mu di Amanah. Aturannya sama dengan konseling \
tatap muka:

- Pesanmu disimpan terenkripsi bersama catatan konselingmu, selama catatan itu disimpan. \
Tidak ada lampiran, dan jangan mengirim foto atau data orang lain.
- Yang membaca hanya guru BK yang menanganimu. Setiap kali ia membuka percakapan, itu \
tercatat di "Siapa yang membuka catatanku". Admin hanya melihat jumlah pesan, tidak \
pernah isinya.
- Balasan tidak langsung. Guru BK membalas pada jam layanannya; di luar jam itu, Amanah \
memberitahumu kapan balasan bisa diharapkan.
- Dalam keadaan darurat, jangan menunggu balasan: tandai pesanmu "Mendesak" atau pesan \
jadwal mendesak, atau hubungi orang dewasa yang kamu percaya, atau 112.
- Kamu bisa menarik pesan dalam satu menit setelah mengirimnya. Setelah itu pesan tidak \
bisa diubah.
- Batas kerahasiaan di atas berlaku juga untuk pesan.

"""

ONLINE_EN = """\
## Online counseling (messages)

You can also write messages to your guidance counselor in Amanah. The rules are the same as \
for face-to-face counseling:

- Your messages are stored encrypted with your counseling record, for as long as the record \
is kept. There are no attachments; do not send photos or other people's data.
- Only the guidance counselor who works with you reads them. Each time they open the \
conversation, it is recorded on "Who opened my notes". The admin sees only how many \
messages there are, never what they say.
- Replies are not instant. Your counselor replies during their office hours; outside those \
hours, Amanah tells you when a reply can be expected.
- In an emergency, do not wait for a reply: mark your message "Urgent" or book an urgent \
time, or contact an adult you trust, or 112.
- You can take a message back within one minute of sending it. After that it cannot be \
changed.
- The limits of confidentiality above apply to messages too.

"""

BODY_ID_V2 = BODY_ID.replace("## Persetujuanmu", ONLINE_ID + "## Persetujuanmu")
BODY_EN_V2 = BODY_EN.replace("## Your agreement", ONLINE_EN + "## Your agreement")
